-- One row per HMIS user (site x UserID): who entered records; names and contact details stay in raw.
{{ caseintel.stage_hmis_file(
    'hmis_user', 'user_id',
    text=[],
    dates=[],
    integers=[],
) }}
