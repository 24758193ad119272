-- One row per project and CoC it serves (site x ProjectCoCID), with its geography.
{{ caseintel.stage_hmis_file(
    'hmis_project_coc', 'project_co_cid',
    text=['project_id', 'co_c_code', 'geocode', 'address1', 'address2', 'city', 'state', 'zip'],
    dates=[],
    integers=['geography_type'],
) }}
