{#
    The thresholds of rubrics/reports.yaml as one row with a column per rule, for the
    reporting marts to cross join. A rule missing from the file is null, and a check that
    needs it flags nothing.
#}
with source as (
    select * from {{ ref('stg_report_config__rules') }}
),

pivoted as (
    select
        cast(max(case when rule_key = 'screen_repeat_days' then rule_value end) as {{ dbt.type_int() }}) as screen_repeat_days,
        cast(max(case when rule_key = 'recertification_days' then rule_value end) as {{ dbt.type_int() }}) as recertification_days,
        cast(max(case when rule_key = 'recertification_grace_days' then rule_value end) as {{ dbt.type_int() }}) as recertification_grace_days,
        cast(max(case when rule_key = 'contact_drop_recent_days' then rule_value end) as {{ dbt.type_int() }}) as contact_drop_recent_days,
        cast(max(case when rule_key = 'contact_drop_baseline_days' then rule_value end) as {{ dbt.type_int() }}) as contact_drop_baseline_days,
        max(case when rule_key = 'contact_drop_share' then rule_value end) as contact_drop_share,
        max(case when rule_key = 'contact_drop_min_expected' then rule_value end) as contact_drop_min_expected,
        cast(max(case when rule_key = 'screen_lookback_days' then rule_value end) as {{ dbt.type_int() }}) as screen_lookback_days,
        max(case when rule_key = 'length_of_stay_ratio' then rule_value end) as length_of_stay_ratio,
        cast(max(case when rule_key = 'min_program_stays' then rule_value end) as {{ dbt.type_int() }}) as min_program_stays,
        max(case when rule_key = 'length_of_stay_max_share' then rule_value end) as length_of_stay_max_share,
        max(case when rule_key = 'export_clock_tolerance_hours' then rule_value end) as export_clock_tolerance_hours,
        cast(max(case when rule_key = 'caseload_window_days' then rule_value end) as {{ dbt.type_int() }}) as caseload_window_days,
        max(case when rule_key = 'caseload_high_ratio' then rule_value end) as caseload_high_ratio,
        max(case when rule_key = 'caseload_low_ratio' then rule_value end) as caseload_low_ratio,
        cast(max(case when rule_key = 'risk_lookback_days' then rule_value end) as {{ dbt.type_int() }}) as risk_lookback_days,
        cast(max(case when rule_key = 'contradiction_window_days' then rule_value end) as {{ dbt.type_int() }}) as contradiction_window_days,
        max(rules_version) as rules_version
    from source
)

select * from pivoted
