-- One row per project funding source (site x FunderID).
{{ caseintel.stage_hmis_file(
    'hmis_funder', 'funder_id',
    text=['project_id', 'other_funder', 'grant_id'],
    dates=['start_date', 'end_date'],
    integers=['funder'],
) }}
