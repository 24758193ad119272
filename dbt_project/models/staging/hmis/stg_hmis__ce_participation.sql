-- One row per period of a project's coordinated-entry participation (site x CEParticipationID).
{{ caseintel.stage_hmis_file(
    'hmis_ce_participation', 'ce_participation_id',
    text=['project_id'],
    dates=['ce_participation_status_start_date', 'ce_participation_status_end_date'],
    integers=['access_point', 'prevention_assessment', 'crisis_assessment', 'housing_assessment', 'direct_services', 'receives_referrals'],
) }}
