"""One site's HUD HMIS CSV export folder, written row by row from scripted events."""

from __future__ import annotations

import hashlib
import random
from datetime import date

from orchestration.demo.dates import add_months, stamp
from orchestration.demo.model import Enrollment, Income, LivingCheck, Service
from orchestration.demo.people import RACES, Identity
from orchestration.demo.sites import BAD_PROJECT_TYPE, PROGRAM_TYPES, PROJECTS, Site
from orchestration.demo.tables import Outputs, Table
from orchestration.layouts import CSV_VERSION, HEADERS

STREAMED = (
    "Client.csv",
    "Enrollment.csv",
    "Exit.csv",
    "Services.csv",
    "CurrentLivingSituation.csv",
    "IncomeBenefits.csv",
)
SERVICE_CODES = {  # ProjectType -> (RecordType, TypeProvided choices)
    0: (200, (200,)),  # bed night
    4: (141, (1, 2, 6)),  # PATH: re-engagement, screening, case management
    3: (143, (2,)),  # HOPWA case management
}
DEFAULT_SERVICE = (144, (1, 2, 4))  # SSVF outreach, case management, public benefits
RESIDENTIAL = (0, 2, 3, 13)


class IdSequence:
    """Per-site record ids: plain counters, or 32-hex keys like newer HMIS vendors use."""

    def __init__(self, namespace: str, hexadecimal: bool, start: int):
        self.namespace = namespace
        self.hexadecimal = hexadecimal
        self.n = start - 1

    def next(self) -> str:
        self.n += 1
        if self.hexadecimal:
            return hashlib.md5(f"{self.namespace}:{self.n}".encode()).hexdigest()
        return str(self.n)


class HmisExport:
    """landing/hmis/<site>/<export_id>/: static files up front, person files streamed."""

    def __init__(self, outputs: Outputs, site: Site, as_of: date):
        self.site = site
        self.as_of = as_of
        self.export_id = f"{site.slug.upper()}{as_of:%Y%m%d}"
        self.folder = f"hmis/{site.slug}/{self.export_id}"
        headers = HEADERS[site.fiscal_year]
        hexadecimal = site.fiscal_year >= 2026
        self.ids = {
            kind: IdSequence(f"{site.slug}:{kind}", hexadecimal, start)
            for kind, start in (
                ("client", 1001),
                ("enrollment", 200_001),
                ("exit", 300_001),
                ("service", 400_001),
                ("cls", 500_001),
                ("income", 600_001),
            )
        }
        self.project_ids = {t: f"{site.slug[0].upper()}{t:02d}" for t in PROGRAM_TYPES}
        self.bad_project_row = 0  # Project.csv row holding the invalid ProjectType, if any
        self._write_static(outputs, headers)
        for name in sorted(headers.keys() - {"Export.csv", "Organization.csv", "Project.csv",
                                             *STREAMED}):
            outputs.table(self.path(name), headers[name])  # a full export: header only
        self.tables: dict[str, Table] = {
            name: outputs.table(f"{self.folder}/{name}", headers[name]) for name in STREAMED
        }

    def path(self, file_name: str) -> str:
        return f"{self.folder}/{file_name}"

    def _audit(
        self,
        rng: random.Random,
        day: date,
        worker: int,
        deleted: bool = False,
        lag: int | None = None,
    ) -> dict[str, object]:
        created = stamp(rng, day, rng.randint(0, 6) if lag is None else lag, self.as_of)
        audit: dict[str, object] = {
            "DateCreated": created,
            "DateUpdated": created
            if rng.random() < 0.7
            else stamp(rng, day, rng.randint(7, 60), self.as_of),
            "UserID": f"u{self.site.slug[0]}{worker:02d}",
            "ExportID": self.export_id,
        }
        if deleted:
            audit["DateDeleted"] = stamp(rng, day, rng.randint(1, 5), self.as_of)
        return audit

    def _write_static(self, outputs: Outputs, headers: dict[str, tuple[str, ...]]) -> None:
        rng = random.Random(f"static:{self.site.slug}")
        site, fy = self.site, self.site.fiscal_year
        founded = add_months(self.as_of, -120)
        export = {
            "ExportID": self.export_id,
            "SourceType": 1,
            "SourceID": "XX-500",
            "SourceName": f"{site.name} HMIS",
            "SourceContactFirst": "Dana",
            "SourceContactLast": "Whitfield",
            "SourceContactPhone": "2175550143",
            "SourceContactEmail": f"hmis-admin@{site.slug}.example.org",
            "ExportDate": f"{self.as_of.isoformat()} 02:00:00",
            "ExportStartDate": add_months(self.as_of, -36).isoformat(),
            "ExportEndDate": self.as_of.isoformat(),
            "SoftwareName": "OpenCase HMIS",
            "SoftwareVersion": f"{fy}.3.1",
            "CSVVersion": CSV_VERSION[fy],
            "ExportPeriodType": 4,
            "ExportDirective": 2,
            "HashStatus": 1,
        }
        if "ImplementationID" in headers["Export.csv"]:
            export["ImplementationID"] = f"{site.slug}-opencase-prod"
        outputs.table(self.path("Export.csv"), headers["Export.csv"]).write(export)
        org_id = f"{site.slug.upper()}-ORG"
        outputs.table(self.path("Organization.csv"), headers["Organization.csv"]).write(
            {
                "OrganizationID": org_id,
                "OrganizationName": site.name,
                "VictimServiceProvider": 0,
                "OrganizationCommonName": site.name.split()[0],
                **self._audit(rng, founded, 1, lag=0),
            }
        )
        projects = outputs.table(self.path("Project.csv"), headers["Project.csv"])
        catalog = [(t, self.project_ids[t], f"{site.city} {PROJECTS[t][0]}") for t in PROGRAM_TYPES]
        if site.slug == "north":
            catalog.append((BAD_PROJECT_TYPE, f"N{BAD_PROJECT_TYPE}", "Northfield Pilot (retired)"))
        for project_type, project_id, name in catalog:
            row = projects.write(
                {
                    "ProjectID": project_id,
                    "OrganizationID": org_id,
                    "ProjectName": name,
                    "ProjectCommonName": name.split(" ", 1)[1],
                    "OperatingStartDate": founded.isoformat(),
                    "ContinuumProject": 1,
                    "ProjectType": project_type,
                    "HousingType": rng.choice((1, 3)) if project_type in RESIDENTIAL else "",
                    "RRHSubType": 2 if project_type == 13 else "",
                    "ResidentialAffiliation": 0 if project_type == 6 else "",
                    "TargetPopulation": 4,
                    **self._audit(rng, founded, 1, lag=0),
                }
            )
            if project_type == BAD_PROJECT_TYPE:
                self.bad_project_row = row

    # ---- person files ------------------------------------------------------------------

    def client(
        self,
        rng: random.Random,
        personal_id: str,
        ident: Identity,
        quality: dict[str, object],
        first_day: date,
        worker: int,
        deleted: bool = False,
    ) -> int:
        row: dict[str, object] = {
            "PersonalID": personal_id,
            "FirstName": ident.first,
            "MiddleName": ident.middle,
            "LastName": ident.last,
            "NameSuffix": ident.suffix,
            **quality,
            "VeteranStatus": 1 if ident.veteran else 0,
            **self._audit(rng, first_day, worker, deleted),
        }
        for race in RACES:
            row[race] = 1 if race in ident.races else 0
        if self.site.fiscal_year >= 2026:
            row["HispanicLatinao"] = row.pop("HispanicLatinaeo")  # FY2026 spells it so
            row["Sex"] = {"woman": 0, "man": 1}.get(ident.gender, 9)
        else:
            row.update(
                Woman=int(ident.gender == "woman"),
                Man=int(ident.gender == "man"),
                NonBinary=int(ident.gender == "nonbinary"),
                CulturallySpecific=0,
                Transgender=0,
                Questioning=0,
                DifferentIdentity=0,
            )
        if ident.veteran:
            enlisted = ident.dob.year + rng.randint(18, 24)
            row.update(
                YearEnteredService=enlisted,
                YearSeparated=enlisted + rng.randint(2, 8),
                MilitaryBranch=rng.randint(1, 4),
                DischargeStatus=rng.choice((1, 2, 4)),
            )
        return self.tables["Client.csv"].write(row)

    def enrollment(
        self,
        rng: random.Random,
        enrollment_id: str,
        personal_id: str,
        enrollment: Enrollment,
        worker: int,
    ) -> int:
        entry = enrollment.entry
        row: dict[str, object] = {
            "EnrollmentID": enrollment_id,
            "PersonalID": personal_id,
            "ProjectID": self.project_ids.get(enrollment.project_type, ""),
            "EntryDate": entry.isoformat(),
            "HouseholdID": f"HH{enrollment_id}",
            "RelationshipToHoH": enrollment.relationship,
            "EnrollmentCoC": "XX-500",
            "LivingSituation": enrollment.living_situation,
            "LengthOfStay": rng.choice((2, 3, 4, 5, 10, 11)),
            "PreviousStreetESSH": rng.choice((0, 1)),
            "TimesHomelessPastThreeYears": rng.randint(1, 4),
            "MonthsHomelessPastThreeYears": rng.randint(101, 113),
            "DisablingCondition": rng.choice((0, 0, 1, 8)),
            "DateOfEngagement": entry.isoformat() if enrollment.project_type == 4 else "",
            "MoveInDate": enrollment.move_in.isoformat() if enrollment.move_in else "",
            **self._audit(rng, entry, worker, enrollment.deleted),
        }
        if self.site.fiscal_year < 2026:  # FY2026 drops the language questions
            row["TranslationNeeded"] = 0
        return self.tables["Enrollment.csv"].write(row)

    def exit(
        self,
        rng: random.Random,
        enrollment_id: str,
        personal_id: str,
        enrollment: Enrollment,
        worker: int,
    ) -> int:
        assert enrollment.exit is not None
        destination = enrollment.destination
        return self.tables["Exit.csv"].write(
            {
                "ExitID": self.ids["exit"].next(),
                "EnrollmentID": enrollment_id,
                "PersonalID": personal_id,
                "ExitDate": enrollment.exit.isoformat(),
                "Destination": destination,
                "DestinationSubsidyType": rng.choice((419, 428, 431)) if destination == 435 else "",
                "OtherDestination": "Moved in with a partner out of state"
                if destination == 17
                else "",
                **self._audit(rng, enrollment.exit, worker, enrollment.exit_deleted),
            }
        )

    def service(
        self,
        rng: random.Random,
        enrollment_id: str,
        personal_id: str,
        service: Service,
        worker: int,
    ) -> int:
        record_type, kinds = SERVICE_CODES.get(service.enrollment.project_type, DEFAULT_SERVICE)
        return self.tables["Services.csv"].write(
            {
                "ServicesID": self.ids["service"].next(),
                "EnrollmentID": enrollment_id,
                "PersonalID": personal_id,
                "DateProvided": service.day.isoformat(),
                "RecordType": record_type,
                "TypeProvided": rng.choice(kinds),
                **self._audit(rng, service.day, worker, service.deleted),
            }
        )

    def living_check(
        self,
        rng: random.Random,
        enrollment_id: str,
        personal_id: str,
        check: LivingCheck,
        worker: int,
    ) -> int:
        return self.tables["CurrentLivingSituation.csv"].write(
            {
                "CurrentLivingSitID": self.ids["cls"].next(),
                "EnrollmentID": enrollment_id,
                "PersonalID": personal_id,
                "InformationDate": check.day.isoformat(),
                "CurrentLivingSituation": check.situation,
                "VerifiedBy": "Outreach team",
                "LocationDetails": check.location,
                **self._audit(rng, check.day, worker),
            }
        )

    def income(
        self, rng: random.Random, enrollment_id: str, personal_id: str, income: Income, worker: int
    ) -> int:
        amount = income.amount
        row: dict[str, object] = {
            "IncomeBenefitsID": self.ids["income"].next(),
            "EnrollmentID": enrollment_id,
            "PersonalID": personal_id,
            "InformationDate": income.day.isoformat(),
            "IncomeFromAnySource": 1 if amount else 0,
            "TotalMonthlyIncome": f"{amount}.00",
            "BenefitsFromAnySource": 1,
            "SNAP": 1,
            "InsuranceFromAnySource": 1,
            "Medicaid": rng.choice((0, 1, 1)),
            "DataCollectionStage": income.stage,
            **self._audit(rng, income.day, worker),
        }
        for source in ("Earned", "Unemployment", "SSI", "SSDI", "TANF"):
            row[source] = 0
        if amount:
            row[income.source] = 1
            row[f"{income.source}Amount"] = f"{amount}.00"
        return self.tables["IncomeBenefits.csv"].write(row)
