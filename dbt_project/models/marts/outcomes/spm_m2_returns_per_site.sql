with returns as (
    select * from {{ ref('int_spm_m2_returns') }}
),

per_site as (
    select
        {{ spm_m2_return_columns() }}
    from returns
    where counting = 'per_site'
)

select * from per_site
