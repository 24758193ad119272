-- One row per coordinated-entry assessment (site x AssessmentID).
{{ caseintel.stage_hmis_file(
    'hmis_assessment', 'assessment_id',
    text=['enrollment_id', 'personal_id', 'assessment_location'],
    dates=['assessment_date'],
    integers=['assessment_type', 'assessment_level', 'prioritization_status'],
) }}
