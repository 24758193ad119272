{#
    Contact events (rubrics/momentum.yaml, "contact events"): case notes other than an
    attempted contact, services, current living situation records, screens and survey
    responses. Only rows linked to a person and dated are events.
#}
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
        'stg_notes__case_notes' as source_model,
        note_key as source_key,
        _load_id,
        _source_file,
        _source_row
    from case_notes
    where note_type is null or note_type <> 'attempted_contact'

    union all

    select
        'service' as kind,
        cast(record_type as {{ dbt.type_string() }}) as detail,
        record_key,
        site,
        date_provided as event_date,
        'stg_hmis__services' as source_model,
        service_key as source_key,
        _load_id,
        _source_file,
        _source_row
    from services

    union all

    select
        'current_living_situation' as kind,
        living_situation_group as detail,
        record_key,
        site,
        information_date as event_date,
        'stg_hmis__current_living_situations' as source_model,
        current_living_situation_key as source_key,
        _load_id,
        _source_file,
        _source_row
    from living_situations

    union all

    select
        'screen' as kind,
        instrument as detail,
        record_key,
        site,
        screen_date as event_date,
        'stg_screens__screens' as source_model,
        screen_key as source_key,
        _load_id,
        _source_file,
        _source_row
    from screens

    union all

    select
        'survey_response' as kind,
        survey_type as detail,
        record_key,
        site,
        submitted_date as event_date,
        'stg_surveys__responses' as source_model,
        record_key as source_key,
        _load_id,
        _source_file,
        _source_row
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
        contacts.source_model,
        contacts.source_key,
        contacts._load_id,
        contacts._source_file,
        contacts._source_row
    from contacts
    inner join record_links
        on record_links.record_key = contacts.record_key
    where contacts.event_date is not null
)

select * from linked
