{#
    One row per validated screen linked to a person, with its total: the recorded total, or
    the item sum when the screener left the total blank (the rule int_movement_events uses).
    Undated screens and screens without any score are left out.
#}
with screens as (
    select * from {{ ref('stg_screens__screens') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

scored as (
    select
        record_links.person_id,
        screens.screen_key,
        screens.site,
        screens.instrument,
        screens.screen_date,
        coalesce(screens.recorded_total_score, screens.items_total_score) as total_score
    from screens
    inner join record_links
        on record_links.record_key = screens.record_key
    where screens.screen_date is not null
        and screens.instrument is not null
        and coalesce(screens.recorded_total_score, screens.items_total_score) is not null
)

select * from scored
