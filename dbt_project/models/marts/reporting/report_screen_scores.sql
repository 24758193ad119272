{#
    One row per validated screen of a person: the total (as recorded, else the item sum),
    the previous total on the same instrument, and the change, with the rubric's minimal
    change for that instrument. The comprehensive page draws score trends from this, and the
    Unusual report flags screens that got worse by at least the minimal change.
#}
with screens as (
    select * from {{ ref('stg_screens__screens') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

screen_rules as (
    select * from {{ ref('stg_rubric__screen_rules') }}
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
),

final as (
    select
        compared.screen_key,
        compared.person_id,
        compared.instrument,
        compared.screen_date,
        compared.total_score,
        compared.previous_total_score,
        compared.total_score - compared.previous_total_score as score_change,
        screen_rules.minimal_change,
        compared.site,
        compared._load_id,
        compared._source_file,
        compared._source_row
    from compared
    left join screen_rules
        on screen_rules.instrument = compared.instrument
)

select * from final
