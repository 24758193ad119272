-- What each site's newest HMIS export lacks from its HUD layout: a whole file, or columns
-- of a file (a vendor that never collects a question leaves its column out); and for an
-- FY2022 export, the columns FY2024 has no place for (kept in raw only). Data-quality
-- findings: the export loaded, and references into a missing file were flagged, not rejected.
with loads as (
    select * from {{ ref('stg_ingest__loads') }}
    where source = 'hmis'
),

newest as (
    select site, max(loaded_at) as loaded_at
    from loads
    where status = 'loaded'
    group by site
)

select
    loads.site,
    loads.drop_id,
    loads.source_file,
    loads.csv_version,
    case
        when loads.status = 'missing' then 'missing file'
        when loads.message like 'columns of the%' then 'missing columns'
        else 'unmapped FY2022 columns'
    end as gap,
    loads.message
from loads
inner join newest
    on loads.site = newest.site
    and loads.loaded_at = newest.loaded_at
where loads.status = 'missing'
    or (loads.status = 'loaded'
        and (loads.message like 'columns of the%' or loads.message like 'FY2022 columns%'))
