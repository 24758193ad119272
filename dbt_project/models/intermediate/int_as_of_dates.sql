{#
    The dates grades are computed for: the month-ends of the `history_months` months before
    the as-of date, plus the as-of date itself (var `as_of_date`, default the run date).
#}
with month_offsets as (
    {{ integer_spine(history_months()) }}
),

month_ends as (
    -- the last day of the month n + 1 months before the as-of date's month
    select
        {{ add_days(add_months(month_start(as_of_date()), '-1 * month_offsets.n'), '-1') }} as as_of_date
    from month_offsets
),

requested as (
    select {{ as_of_date() }} as as_of_date
),

all_dates as (
    select as_of_date from month_ends
    union
    select as_of_date from requested
),

described as (
    select
        all_dates.as_of_date,
        {{ month_start('all_dates.as_of_date') }} as as_of_month,
        all_dates.as_of_date = requested.as_of_date as is_current,
        lag(all_dates.as_of_date) over (order by all_dates.as_of_date) as previous_as_of_date
    from all_dates
    cross join requested
)

select * from described
