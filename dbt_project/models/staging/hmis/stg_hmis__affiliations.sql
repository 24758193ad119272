-- One row per affiliation of a services project with a residential project (site x AffiliationID).
{{ caseintel.stage_hmis_file(
    'hmis_affiliation', 'affiliation_id',
    text=['project_id', 'res_project_id'],
    dates=[],
    integers=[],
) }}
