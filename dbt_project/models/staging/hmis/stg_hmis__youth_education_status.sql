-- One row per youth education status record (site x YouthEducationStatusID).
{{ caseintel.stage_hmis_file(
    'hmis_youth_education_status', 'youth_education_status_id',
    text=['enrollment_id', 'personal_id'],
    dates=['information_date'],
    integers=['current_school_attend', 'most_recent_ed_status', 'current_ed_status', 'data_collection_stage'],
) }}
