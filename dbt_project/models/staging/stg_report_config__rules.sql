-- The thresholds of rubrics/reports.yaml, one row per rule, as the report_rules asset wrote them.
with source as (
    {{ select_source('report_config', 'report_rules') }}
),

renamed as (
    select
        rule_key,
        rule_value,
        rules_version
    from source
)

select * from renamed
