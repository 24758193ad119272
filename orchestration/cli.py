"""The `caseintel` command: the jobs a person runs by hand.

    caseintel demo        generate the demo agency (once) and run the pipeline on it
    caseintel generate    write a demo agency to a folder of your choice
    caseintel run         run the whole pipeline once on the landing folder
    caseintel reports     say where the published reports are
    caseintel serve       browse the published reports on http://127.0.0.1:8000
    caseintel pdf         print a published report to PDF (headless Chromium)
    caseintel ui          open the Dagster UI on this project
    caseintel eval-reader measure a note reader on labelled notes (per label, injections, cost)
    caseintel train-reader train the embedded note model on labelled notes
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from orchestration.settings import REPO_ROOT, Settings

DEMO_DEFAULT_PEOPLE = 500


def _local_instance(settings: Settings):
    """Runs started here show up in `caseintel ui`: both use the instance in DAGSTER_HOME,
    by default var/dagster."""
    import dagster as dg

    home = settings.dagster_home or settings.var_dir / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    return dg.DagsterInstance.from_config(str(home))


def run_pipeline(as_of: date | None = None, landing: Path | None = None,
                 retrain_identity: bool = False) -> int:
    """Materialize every asset once, recording the run in the Dagster instance: in this
    process on DuckDB, with steps in parallel processes on PostgreSQL (the job's executor).
    What this run sets for itself (the grading date, the landing folder, retraining) is run
    config of the caseintel resource. The exit code: 0 when everything loaded and built, 1
    when the run failed, 2 when it succeeded without some drop that could not be read (so a
    scheduler notices)."""
    resource = {key: value for key, value in (
        ("as_of", as_of.isoformat() if as_of else None),
        ("landing_dir", str(landing) if landing else None),
        ("identity_retrain", retrain_identity or None)) if value is not None}
    from orchestration.resources import CaseintelResource

    settings = CaseintelResource(**resource).settings()
    instance = _local_instance(settings)
    import dagster as dg

    from orchestration.transform.project import prepare_manifest

    prepare_manifest(force=True)
    from orchestration.definitions import pipeline_job_definition

    print(f"caseintel: landing folder {settings.landing_dir}")
    print(f"caseintel: warehouse      {settings.warehouse_label}")
    print(f"caseintel: grading as of  {settings.as_of_date.isoformat()}")
    if not settings.llm_base_url:
        print("caseintel: case notes are read by the OFFLINE backend (the embedded note model,"
              " deterministic): no language-model endpoint is configured "
              "(CASEINTEL_LLM_BASE_URL).")
    run_config = {"loggers": {"console": {"config": {"log_level": "INFO"}}},
                  "resources": {"caseintel": {"config": resource}}}
    started = time.monotonic()
    job = pipeline_job_definition()
    if job.executor_def.name == dg.in_process_executor.name:
        result = job.execute_in_process(instance=instance, raise_on_error=False,
                                        run_config=run_config)
    else:  # the executor starts steps in processes of their own, which rebuild the job
        print(f"caseintel: steps run in up to {settings.max_processes} processes at once")
        result = dg.execute_job(dg.reconstructable(pipeline_job_definition),
                                instance=instance, run_config=run_config)
    elapsed = time.monotonic() - started
    for event in result.all_events:
        if event.is_step_failure:
            print(f"caseintel: step {event.step_key} failed: "
                  f"{event.event_specific_data.error.message.strip()}", file=sys.stderr)
    print(f"caseintel: run {'succeeded' if result.success else 'FAILED'} in {elapsed:.0f}s")
    _print_summary(settings)
    failures = _print_failed_drops(settings)
    return 1 if not result.success else 2 if failures else 0


def _print_summary(settings: Settings) -> None:
    from orchestration.reports.publish import summary_lines

    for line in summary_lines(settings):
        print(f"caseintel: {line}")


def _print_failed_drops(settings: Settings) -> int:
    """Name every drop the run could not read, then say it in one line; how many."""
    from orchestration.reports.publish import failed_drop_lines

    lines = failed_drop_lines(settings)
    for line in lines:
        print(f"caseintel: {line}", file=sys.stderr)
    if lines:
        print(f"caseintel: NOT LOADED: {len(lines)} drop{'s' if len(lines) > 1 else ''} could "
              "not be read; everything else was loaded and published (see the data-quality "
              "page)", file=sys.stderr)
    return len(lines)


def cmd_demo(args: argparse.Namespace) -> int:
    demo_dir = Settings.from_env().var_dir / "demo"
    landing = demo_dir / "landing"
    meta_path = demo_dir / "truth" / "meta.json"
    if not meta_path.exists():
        from orchestration.demo.generator import generate_agency

        as_of = date.fromisoformat(args.as_of) if args.as_of else None
        print(f"caseintel: generating a demo agency of {args.people} people in {demo_dir}")
        generate_agency(demo_dir, people=args.people, seed=args.seed, as_of=as_of)
    else:
        print(f"caseintel: using the demo agency already in {demo_dir}")
    meta = json.loads(meta_path.read_text())
    failed = run_pipeline(date.fromisoformat(meta["as_of"]), landing)
    print("caseintel: to read the reports behind a login: `caseintel set-password dana` "
          "(the demo's director in rubrics/access.yaml), then `caseintel serve`")
    return failed


def cmd_generate(args: argparse.Namespace) -> int:
    from orchestration.demo.generator import generate_agency

    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    summary = generate_agency(Path(args.out), people=args.people, seed=args.seed, as_of=as_of)
    print(summary)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return run_pipeline(date.fromisoformat(args.as_of) if args.as_of else None,
                        retrain_identity=args.retrain_identity)


def cmd_reports(args: argparse.Namespace) -> int:
    index = Settings.from_env().site_dir / "index.html"
    if not index.exists():
        print("No reports yet: run `caseintel demo` or `caseintel run` first.")
        return 1
    print(index)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import ipaddress

    import uvicorn

    from orchestration.server.app import create_app

    settings = Settings.from_env()
    if not (settings.site_dir / "index.html").exists():
        print("No reports yet: run `caseintel demo` or `caseintel run` first.")
        return 1
    if bool(args.certfile) != bool(args.keyfile):
        print("caseintel: TLS needs both --certfile and --keyfile")
        return 2
    tls = bool(args.certfile)
    behind_tls = (settings.server_public_url or "").startswith("https://")
    try:
        loopback = args.host == "localhost" or ipaddress.ip_address(args.host).is_loopback
    except ValueError:  # a host name: not known to stay on this machine
        loopback = False
    if not (loopback or tls or behind_tls):
        print(f"caseintel: refusing to serve client pages on {args.host} over plain HTTP: give "
              "--certfile and --keyfile, or run behind a TLS proxy and set "
              "CASEINTEL_SERVER_PUBLIC_URL=https://...")
        return 2
    app = create_app(settings, secure_cookies=tls or behind_tls)
    scheme = "https" if tls else "http"
    print(f"caseintel: serving {settings.site_dir} on {scheme}://{args.host}:{args.port}/ "
          f"(who may read what: {settings.access_path}; audit trail: {settings.audit_path}; "
          "Ctrl-C stops)")
    # The client address the audit trail records is the connection's own, unless a proxy
    # the agency names may say whose request it forwards (X-Forwarded-For).
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile, server_header=False,
                proxy_headers=bool(args.forwarded_allow_ips),
                forwarded_allow_ips=args.forwarded_allow_ips or None)
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    import getpass

    from orchestration.reports.config import load_reports_config
    from orchestration.server.access import load_access
    from orchestration.server.login import Credentials

    settings = Settings.from_env()
    access = load_access(settings.access_path,
                         load_reports_config(settings.rubrics_dir / "reports.yaml"))
    if args.user not in access.users:
        print(f"caseintel: {args.user!r} is not a user in {settings.access_path}; add them "
              "there with a role first")
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"New password for {args.user}: ")
        if getpass.getpass("Again: ") != password:
            print("caseintel: the two passwords differ")
            return 2
    try:
        Credentials(settings.credentials_path).set_password(args.user, password)
    except ValueError as error:
        print(f"caseintel: {error}")
        return 2
    print(f"caseintel: password set for {args.user} in {settings.credentials_path}")
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from orchestration.server.audit import verify

    settings = Settings.from_env()
    path = settings.audit_path
    if not (path.exists() and settings.audit_key_path.exists()):
        print(f"caseintel: no audit trail at {path} (or no key at {settings.audit_key_path})")
        return 1
    checked, broken = verify(path, settings.audit_key_path.read_bytes())
    if broken is None:
        print(f"caseintel: audit trail intact: {checked} rows, every row's HMAC follows ({path})")
        return 0
    print(f"caseintel: audit trail BROKEN at row {broken.seq}: {broken.reason} "
          f"({checked} rows before it are intact; {path})")
    return 1


def cmd_pdf(args: argparse.Namespace) -> int:
    from orchestration.reports.pdf import PdfError, export_pdf, resolve_page

    settings = Settings.from_env()
    try:
        page = resolve_page(settings.site_dir / args.edition, args.page)
        out = Path(args.out) if args.out else page.with_suffix(".pdf")
        print(export_pdf(page, out, settings.chromium_path))
    except PdfError as exc:
        print(f"caseintel: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    home = _local_instance(settings).root_directory
    dagster = Path(sys.executable).with_name("dagster")
    os.execve(str(dagster), [str(dagster), "dev", "-w", str(REPO_ROOT / "workspace.yaml")],
              os.environ | {"DAGSTER_HOME": home})


def cmd_eval_reader(args: argparse.Namespace) -> int:
    from orchestration.scoring.corpus import load_corpus
    from orchestration.scoring.evaluate import evaluate, report
    from orchestration.scoring.pipeline import make_reader, note_model
    from orchestration.scoring.reader_rubric import load_reader_rubric

    settings = Settings.from_env()
    if args.offline:
        settings = settings.with_overrides(llm_base_url=None)
    if args.model:
        settings = settings.with_overrides(note_model=Path(args.model).resolve())
    rubric = load_reader_rubric(settings.rubrics_dir, settings.note_rubric)
    reader = make_reader(settings, rubric)
    corpus = load_corpus(*map(Path, args.corpus))
    rates = (settings.llm_usd_per_1m_input, settings.llm_usd_per_1m_output)
    price = (None if None in rates or not reader.remote
             else lambda p, c: (p * rates[0] + c * rates[1]) / 1e6)
    ev = evaluate(reader, rubric, corpus, detector=note_model(settings) if reader.remote else None,
                  concurrency=settings.llm_concurrency if reader.remote else 1, price=price)
    print(report(ev))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "backend": ev.backend, "model": ev.model, "notes": ev.notes, **ev.headline(),
            "labels": [{"category": s.category, "label": s.label, "precision": s.precision,
                        "recall": s.recall, "f1": s.f1, "true_positive": s.true_positive,
                        "false_positive": s.false_positive, "false_negative": s.false_negative}
                       for s in ev.labels],
            "prompt_tokens": ev.prompt_tokens, "completion_tokens": ev.completion_tokens,
            "cost_usd": ev.cost_usd,
            "misses": [{"note": note, "kind": kind, "label": label}
                       for note, kind, label in ev.misses]}, indent=2))
    return 0


def cmd_train_reader(args: argparse.Namespace) -> int:
    from orchestration.scoring.corpus import load_corpus
    from orchestration.scoring.train import train

    corpus = [Path(c) for c in args.corpus]
    model = train(load_corpus(*corpus), " + ".join(c.name for c in corpus))
    model.save(Path(args.out))
    print(f"caseintel: wrote {args.out} ({model.name}); select it with "
          f"CASEINTEL_NOTE_MODEL={Path(args.out).resolve()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="caseintel", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate the demo agency once, then run the pipeline")
    demo.add_argument("--people", type=int, default=DEMO_DEFAULT_PEOPLE)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--as-of", help="grading date of the demo data (default: today)")
    demo.set_defaults(func=cmd_demo)

    gen = sub.add_parser("generate", help="write a demo agency (landing files + ground truth)")
    gen.add_argument("--out", required=True)
    gen.add_argument("--people", type=int, default=DEMO_DEFAULT_PEOPLE)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--as-of")
    gen.set_defaults(func=cmd_generate)

    run = sub.add_parser("run", help="run the whole pipeline once on the landing folder")
    run.add_argument("--as-of", help="grade as of this date (default: today)")
    run.add_argument("--retrain-identity", action="store_true",
                     help="retrain the record-linkage model instead of reusing the saved one")
    run.set_defaults(func=cmd_run)

    sub.add_parser("reports", help="print the path of the report index").set_defaults(
        func=cmd_reports)
    serve = sub.add_parser("serve", help="serve the published reports behind a login, "
                                          "by role (rubrics/access.yaml), every read audited")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--certfile", help="TLS certificate (PEM); needed off loopback "
                                          "unless behind a TLS proxy")
    serve.add_argument("--keyfile", help="TLS private key (PEM)")
    serve.add_argument("--forwarded-allow-ips", metavar="ADDRESSES",
                       help="the TLS proxy's address(es), whose X-Forwarded-For names the "
                            "client in the audit trail (default: trust no proxy)")
    serve.set_defaults(func=cmd_serve)
    password = sub.add_parser("set-password", help="set a report-server user's password "
                                                   "(Argon2id hash in CASEINTEL_CREDENTIALS)")
    password.add_argument("user")
    password.add_argument("--password-stdin", action="store_true",
                          help="read the password from the first line of standard input")
    password.set_defaults(func=cmd_set_password)
    sub.add_parser("verify-audit", help="check the report server's audit trail: every row's "
                                        "hash follows from the rows before it").set_defaults(
        func=cmd_verify_audit)

    pdf = sub.add_parser("pdf", help="print a published report to PDF (headless Chromium)")
    pdf.add_argument("page", help="a report (momentum, missing, unusual, aggregate, quality) "
                     "or a page path inside the site folder, e.g. clients/P0000001.html")
    pdf.add_argument("--edition", default="", help="edition folder, e.g. funder")
    pdf.add_argument("--out", help="where to write the PDF (default: beside the page)")
    pdf.set_defaults(func=cmd_pdf)

    sub.add_parser("ui", help="open the Dagster UI (dagster dev)").set_defaults(func=cmd_ui)

    ev = sub.add_parser("eval-reader", help="measure the configured note reader (or the "
                        "offline one) on labelled notes: per-label precision, recall and F1, "
                        "confusions, injections, tokens and cost")
    ev.add_argument("corpus", nargs="+", help="labelled JSON-lines files (docs/note-reader.md)")
    ev.add_argument("--offline", action="store_true",
                    help="measure the embedded model even when an endpoint is configured")
    ev.add_argument("--model", help="a note model file to measure instead of the configured one")
    ev.add_argument("--json", help="also write the figures to this JSON file")
    ev.set_defaults(func=cmd_eval_reader)

    tr = sub.add_parser("train-reader", help="train the embedded note model on labelled notes "
                        "(needs the train extra: pip install 'caseintel[train]')")
    tr.add_argument("corpus", nargs="+", help="labelled JSON-lines files")
    tr.add_argument("--out", required=True, help="where to write the model (.npz)")
    tr.set_defaults(func=cmd_train_reader)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
