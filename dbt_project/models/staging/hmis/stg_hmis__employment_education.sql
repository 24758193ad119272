-- One row per employment and education record (site x EmploymentEducationID).
{{ caseintel.stage_hmis_file(
    'hmis_employment_education', 'employment_education_id',
    text=['enrollment_id', 'personal_id'],
    dates=['information_date'],
    integers=['last_grade_completed', 'school_status', 'employed', 'employment_type', 'not_employed_reason', 'data_collection_stage'],
) }}
