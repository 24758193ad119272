-- Each expectation of the contract of the newest file of every kind at every site, as
-- Great Expectations recorded it when the file loaded: the data docs of what came in last.
-- The data-quality page shows them per edition, failing expectations first.
with results as (
    select * from {{ ref('stg_ingest__contract_results') }}
),

loads as (
    select * from {{ ref('stg_ingest__loads') }}
),

newest_loads as (
    select
        loads.load_id,
        loads.site,
        loads.source,
        row_number() over (
            partition by loads.site, loads.source_table
            order by loads.loaded_at desc, loads.load_id desc
        ) as recency
    from loads
    where loads.status = 'loaded'
)

select
    results.result_key,
    newest_loads.site,
    newest_loads.source,
    results.source_table,
    results.source_file,
    results.load_id,
    results.loaded_at,
    results.suite,
    results.rule,
    results.expectation,
    results.severity,
    results.success,
    results.element_count,
    results.unexpected_count
from results
inner join newest_loads
    on newest_loads.load_id = results.load_id
    and newest_loads.recency = 1
