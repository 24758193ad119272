{#
    Incremental: each HMIS export repeats the site's history, so a run re-ranks only the
    services (site x ServicesID) that loads since the last build carried, over every version
    raw holds of them, and replaces those keys (a key whose newest version is deleted is
    removed); every other service stays as built (macros/incremental.sql).
#}
{{ config(
    materialized='incremental',
    unique_key='service_key',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ caseintel.delete_placeholders('services_id') }}",
) }}

-- read only by incremental runs, so named here for dbt's graph:
-- depends_on: {{ ref('stg_ingest__loads') }}
with source as (
    {{ select_source('raw', 'hmis_services') }}
),

{% if is_incremental() %}
touched as (
    select distinct service_key from (
        {{ caseintel.loaded_since('raw', 'hmis_services', {'service_key': site_key('_site', 'services_id')}) }}
    ) as loaded
),

candidates as (
    select * from source
    where {{ site_key('_site', 'services_id') }} in (select service_key from touched)
),
{% else %}
candidates as (
    select * from source
),
{% endif %}

versioned as (
    -- raw keeps every export a site sent: newest version of each service first
    select
        candidates.*,
        row_number() over (
            partition by _site, trim(services_id)
            order by {{ hmis_version_order() }}
        ) as version_rank
    from candidates
),

renamed as (
    select
        {{ site_key('_site', 'services_id') }} as service_key,
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('services_id') }} as services_id,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('date_provided') }} as date_provided,
        {{ to_int('record_type') }} as record_type,
        {{ to_int('type_provided') }} as type_provided,
        {{ to_timestamp('date_created') }} as date_created,
        {{ to_timestamp('date_updated') }} as date_updated,
        {{ clean_text('export_id') }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('services_id') }} is not null
)

select * from renamed
{% if is_incremental() %}
union all
{{ caseintel.placeholder_rows('service_key', 'touched') }}
{% endif %}
