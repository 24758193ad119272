-- One row per FY2022 EnrollmentCoC record (site x EnrollmentCoCID); FY2024 moved the CoC onto the enrollment.
{{ caseintel.stage_hmis_file(
    'hmis_enrollment_coc', 'enrollment_co_cid',
    text=['enrollment_id', 'household_id', 'project_id', 'personal_id', 'co_c_code'],
    dates=['information_date'],
    integers=['data_collection_stage'],
) }}
