{%- set buckets = dq_timeliness_buckets() -%}

with period as (
    -- data quality is reported for the current period only
    select * from {{ ref('int_hud_reporting_period') }}
    where is_current_period
),

enrollments as (
    select * from {{ ref('int_hud_enrollments') }}
),

exits as (
    select * from {{ ref('stg_hmis__exits') }}
),

records as (
    -- project starts and exits dated in the period, with the days until they were entered
    select
        'project_start' as record_kind,
        enrollments.site,
        enrollments.project_key,
        enrollments.project_name,
        enrollments.project_type_name,
        {{ days_between('enrollments.entry_date', 'cast(enrollments.date_created as date)') }} as days_to_entry
    from enrollments
    cross join period
    where enrollments.entry_date between period.period_start and period.period_end

    union all

    select
        'project_exit' as record_kind,
        enrollments.site,
        enrollments.project_key,
        enrollments.project_name,
        enrollments.project_type_name,
        {{ days_between('enrollments.exit_date', 'cast(exits.date_created as date)') }} as days_to_entry
    from enrollments
    cross join period
    inner join exits
        on exits.exit_key = enrollments.exit_key
    where enrollments.exit_date between period.period_start and period.period_end
),

bucketed as (
    select
        records.*,
        {{ dq_timeliness_bucket('days_to_entry') }} as bucket
    from records
),

counted as (
    select
        record_kind,
        site,
        project_key,
        project_name,
        project_type_name,
        count(*) as records,
        {%- for bucket in buckets %}
        sum(case when bucket = '{{ bucket.bucket }}' then 1 else 0 end) as {{ bucket.column }},
        {%- endfor %}
        avg(cast(greatest(days_to_entry, 0) as {{ dbt.type_numeric() }})) as average_days,
        {{ median('greatest(days_to_entry, 0)') }} as median_days
    from bucketed
    group by record_kind, site, project_key, project_name, project_type_name
),

ranked as (
    select
        period.period_label,
        period.period_start,
        period.period_end,
        counted.record_kind,
        counted.site,
        counted.project_key,
        counted.project_name,
        counted.project_type_name,
        counted.records,
        {%- for bucket in buckets %}
        counted.{{ bucket.column }},
        {%- endfor %}
        {{ safe_rate('counted.days_11_plus', 'counted.records') }} as late_11_plus_rate,
        {{ safe_rate('counted.days_0', 'counted.records') }} as same_day_rate,
        round(counted.average_days, 1) as average_days,
        round(cast(counted.median_days as {{ dbt.type_numeric() }}), 1) as median_days,
        row_number() over (
            order by
                {{ safe_rate('counted.days_11_plus', 'counted.records') }} desc,
                counted.average_days desc,
                counted.site,
                counted.project_key,
                counted.record_kind
        ) as lateness_rank
    from counted
    cross join period
)

select * from ranked
