-- One row per period a project participated in HMIS (site x HMISParticipationID).
{{ caseintel.stage_hmis_file(
    'hmis_participation', 'hmis_participation_id',
    text=['project_id'],
    dates=['hmis_participation_status_start_date', 'hmis_participation_status_end_date'],
    integers=['hmis_participation_type'],
) }}
