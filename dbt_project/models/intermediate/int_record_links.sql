with crosswalk as (
    select * from {{ ref('stg_identity__crosswalk') }}
),

persons as (
    select * from {{ ref('stg_identity__persons') }}
),

resolved as (
    -- a merged person_id resolves to its survivor (followed up to three merges deep)
    select
        crosswalk.record_key,
        crosswalk.source,
        crosswalk.site,
        crosswalk.source_record_id,
        crosswalk.person_id as linked_person_id,
        coalesce(
            third_merge.merged_into,
            second_merge.merged_into,
            first_merge.merged_into,
            crosswalk.person_id
        ) as person_id,
        crosswalk.link_rule,
        crosswalk.linked_at
    from crosswalk
    left join persons as first_merge
        on first_merge.person_id = crosswalk.person_id
        and first_merge.status = 'merged'
    left join persons as second_merge
        on second_merge.person_id = first_merge.merged_into
        and second_merge.status = 'merged'
    left join persons as third_merge
        on third_merge.person_id = second_merge.merged_into
        and third_merge.status = 'merged'
    where crosswalk.person_id is not null
)

select * from resolved
