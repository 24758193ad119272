-- One row per health and domestic-violence record (site x HealthAndDVID); FY2022's DomesticViolenceVictim is read as DomesticViolenceSurvivor.
{{ caseintel.stage_hmis_file(
    'hmis_health_and_dv', 'health_and_dvid',
    text=['enrollment_id', 'personal_id'],
    dates=['information_date', 'due_date'],
    integers=['when_occurred', 'currently_fleeing', 'general_health_status', 'dental_health_status', 'mental_health_status', 'pregnancy_status', 'life_value', 'support_from_others', 'bounce_back', 'feeling_frequency', 'data_collection_stage', 'domestic_violence_survivor'],
    renamed={'domestic_violence_survivor': 'domestic_violence_victim'},
) }}
