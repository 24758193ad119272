{#
    One row per validated screen linked to a person, with its total: the recorded total, or
    the item sum when the screener left the total blank; and the same person's previous
    total on the instrument (across sites). Undated screens and screens without any score
    are left out. int_movement_events (screen improvements), int_outcome_baselines and
    report_screen_scores read screens here.
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
        screens.screen_id,
        screens.instrument,
        screens.screen_date,
        coalesce(screens.recorded_total_score, screens.items_total_score) as total_score,
        screens._load_id,
        screens._source_file,
        screens._source_row
    from screens
    inner join record_links
        on record_links.record_key = screens.record_key
    where screens.screen_date is not null
        and screens.instrument is not null
        and coalesce(screens.recorded_total_score, screens.items_total_score) is not null
),

compared as (
    select
        scored.*,
        lag(total_score) over (
            partition by person_id, instrument
            order by screen_date, site, screen_id
        ) as previous_total_score
    from scored
)

select * from compared
