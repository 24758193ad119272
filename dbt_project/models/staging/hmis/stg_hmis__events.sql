-- One row per coordinated-entry event (site x EventID): a referral or service and its result.
{{ caseintel.stage_hmis_file(
    'hmis_event', 'event_id',
    text=['enrollment_id', 'personal_id', 'location_crisis_or_ph_housing'],
    dates=['event_date', 'result_date'],
    integers=['event', 'prob_sol_div_rr_result', 'referral_case_manage_after', 'referral_result'],
) }}
