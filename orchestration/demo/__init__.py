"""A seeded demo agency: realistic, dirty landing files plus the ground truth they encode.

The generator scripts every person's trajectory first, grades it with the momentum rules
(`grading.py`), and only then writes rows, so the expected grade in `truth/people.csv` is
computed from the same events the pipeline will read. Entry point:
`orchestration.demo.generator.generate_agency`.
"""
