with returns as (
    select * from {{ ref('int_spm_m2_returns') }}
),

deduplicated as (
    select
        {{ spm_m2_return_columns() }},
        returns_at_other_site
    from returns
    where counting = 'deduplicated'
)

select * from deduplicated
