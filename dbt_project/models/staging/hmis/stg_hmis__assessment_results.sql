-- One row per assessment result (site x AssessmentResultID).
{{ caseintel.stage_hmis_file(
    'hmis_assessment_results', 'assessment_result_id',
    text=['assessment_id', 'enrollment_id', 'personal_id', 'assessment_result_type', 'assessment_result'],
    dates=[],
    integers=[],
) }}
