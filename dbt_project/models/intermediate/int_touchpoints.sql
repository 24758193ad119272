{#
    Contact events (rubrics/momentum.yaml, "contact events"): case notes other than an
    attempted contact, services, current living situation records, screens and survey
    responses. Only rows linked to a person and dated are events.

    Incremental: a run replaces the rows of the people whose records had new source rows
    since the last build, or whose records were linked or moved between people
    (macros/incremental.sql); everyone else's rows stay as built.
#}
{{ config(
    materialized='incremental',
    unique_key='person_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{{ caseintel.delete_placeholders('touchpoint_key') }}",
) }}

-- read only by incremental runs, so named here for dbt's graph:
-- depends_on: {{ ref('stg_ingest__loads') }}
-- depends_on: {{ ref('stg_identity__persons') }}
-- depends_on: {{ source('raw', 'case_notes') }}
-- depends_on: {{ source('raw', 'hmis_services') }}
-- depends_on: {{ source('raw', 'hmis_current_living_situation') }}
-- depends_on: {{ source('raw', 'screens') }}
-- depends_on: {{ source('raw', 'survey_responses') }}
with case_notes as (
    select * from {{ ref('stg_notes__case_notes') }}
),

services as (
    select * from {{ ref('stg_hmis__services') }}
),

living_situations as (
    select * from {{ ref('stg_hmis__current_living_situations') }}
),

screens as (
    select * from {{ ref('stg_screens__screens') }}
),

survey_responses as (
    select * from {{ ref('stg_surveys__responses') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

contacts as (
    -- a note of type attempted_contact (client not reached) is not a contact
    select
        'case_note' as kind,
        note_type as detail,
        record_key,
        site,
        note_date as event_date,
        {{ source_citation('stg_notes__case_notes', 'note_key') }}
    from case_notes
    where note_type is null or note_type <> 'attempted_contact'

    union all

    select
        'service' as kind,
        cast(record_type as {{ dbt.type_string() }}) as detail,
        record_key,
        site,
        date_provided as event_date,
        {{ source_citation('stg_hmis__services', 'service_key') }}
    from services

    union all

    select
        'current_living_situation' as kind,
        living_situation_group as detail,
        record_key,
        site,
        information_date as event_date,
        {{ source_citation('stg_hmis__current_living_situations', 'current_living_situation_key') }}
    from living_situations

    union all

    select
        'screen' as kind,
        instrument as detail,
        record_key,
        site,
        screen_date as event_date,
        {{ source_citation('stg_screens__screens', 'screen_key') }}
    from screens

    union all

    select
        'survey_response' as kind,
        survey_type as detail,
        record_key,
        site,
        submitted_date as event_date,
        {{ source_citation('stg_surveys__responses', 'record_key') }}
    from survey_responses
),

linked as (
    select
        {{ dbt.concat(['contacts.kind', "':'", 'contacts.source_key']) }} as touchpoint_key,
        record_links.person_id,
        contacts.event_date,
        contacts.kind,
        contacts.detail,
        contacts.site,
        contacts.record_key,
        {{ source_citation(alias='contacts') }}
    from contacts
    inner join record_links
        on record_links.record_key = contacts.record_key
    where contacts.event_date is not null
)

{% if is_incremental() %}
,

changed_records as (
    {% for table in ['case_notes', 'hmis_services', 'hmis_current_living_situation', 'screens'] %}
    {{ caseintel.loaded_since('raw', table, {'record_key': caseintel.record_key('hmis', '_site', 'personal_id')}) }}
    union all
    {% endfor %}
    {{ caseintel.loaded_since('raw', 'survey_responses', {'record_key': caseintel.record_key('survey', '_site', 'response_id')}) }}
),

{% set records_moved %}
    -- both people of every record now linked to someone else (merges, reviewed splits)
    {% for side in ['previous', 'record_links'] %}
    select {{ side }}.person_id
    from {{ this }} as previous
    inner join record_links
        on record_links.record_key = previous.record_key
    where record_links.person_id <> previous.person_id
    {{ "union" if not loop.last }}
    {% endfor %}
{% endset %}
{{ caseintel.replace_people('linked', 'touchpoint_key', 'changed_records', records_moved) }}
{% else %}
select * from linked
{% endif %}
