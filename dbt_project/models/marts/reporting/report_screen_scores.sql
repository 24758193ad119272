{#
    One row per validated screen of a person: the total (as recorded, else the item sum),
    the previous total on the same instrument, and the change, with the rubric's minimal
    change for that instrument. The comprehensive page draws score trends from this, and the
    Unusual report flags screens that got worse by at least the minimal change.
#}
with screens as (
    select * from {{ ref('int_outcome_screens') }}
),

screen_rules as (
    select * from {{ ref('stg_rubric__screen_rules') }}
),

final as (
    select
        screens.screen_key,
        screens.person_id,
        screens.instrument,
        screens.screen_date,
        screens.total_score,
        screens.previous_total_score,
        screens.total_score - screens.previous_total_score as score_change,
        screen_rules.minimal_change,
        screens.site,
        screens._load_id,
        screens._source_file,
        screens._source_row
    from screens
    left join screen_rules
        on screen_rules.instrument = screens.instrument
)

select * from final
