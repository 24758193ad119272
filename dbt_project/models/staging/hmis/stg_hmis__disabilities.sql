-- One row per disability record (site x DisabilitiesID): one disability type at one collection stage.
{{ caseintel.stage_hmis_file(
    'hmis_disabilities', 'disabilities_id',
    text=['enrollment_id', 'personal_id', 't_cell_count', 'viral_load'],
    dates=['information_date'],
    integers=['disability_type', 'disability_response', 'indefinite_and_impairs', 't_cell_count_available', 't_cell_source', 'viral_load_available', 'viral_load_source', 'anti_retroviral', 'data_collection_stage'],
) }}
