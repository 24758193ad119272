{#
    The HMIS client identifiers (names, SSN, DOB) of each record stg_hmis__clients keeps,
    read from raw for exactly the version it chose (joined through its lineage). Ephemeral:
    never materialized, so PII stays in raw and identity; a model that needs a check or an
    age computes it from this and outputs only the result.
#}
{{ config(materialized='ephemeral') }}

with clients as (
    select * from {{ ref('stg_hmis__clients') }}
),

source as (
    {{ select_source('raw', 'hmis_client') }}
),

identifiers as (
    -- every raw version, keyed by lineage; cleaned as stg_hmis__clients cleaned its columns
    select
        {{ lineage_columns() }},
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('ssn') }} as ssn,
        {{ to_date('dob', hmis_pivot()) }} as dob
    from source
),

chosen as (
    select
        clients.record_key,
        identifiers.first_name,
        identifiers.last_name,
        identifiers.ssn,
        identifiers.dob
    from clients
    left join identifiers using (_load_id, _source_row)
)

select * from chosen
