-- One row per assessment question answered (site x AssessmentQuestionID).
{{ caseintel.stage_hmis_file(
    'hmis_assessment_questions', 'assessment_question_id',
    text=['assessment_id', 'enrollment_id', 'personal_id', 'assessment_question_group', 'assessment_question', 'assessment_answer'],
    dates=[],
    integers=['assessment_question_order'],
) }}
