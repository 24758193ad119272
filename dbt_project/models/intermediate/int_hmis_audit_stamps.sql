{#
    One row per current HMIS record that carries HUD's audit columns (the staged Client,
    Enrollment, Exit, Services, IncomeBenefits, CurrentLivingSituation, Organization and
    Project files): its DateCreated and DateUpdated beside the moment its export was made,
    for the Unusual report's checks of stamps that cannot be true.

    The moment is Export.csv's ExportDate: the date and time the export was run, a
    `YYYY-MM-DD HH:MM:SS` timestamp written by the exporting HMIS like the records' own
    stamps. Only when the export came without a loaded Export.csv is it the time the file
    was loaded (the ingest ledger, on the warehouse's clock). ExportEndDate is not a bound:
    it ends the period the export covers, and a record about that period may rightly be
    entered after it, before the export is run.
#}
{#- (record kind, key column, staging model, whether the record belongs to a client) -#}
{%- set stamped = [
    ('client', 'record_key', 'stg_hmis__clients', true),
    ('enrollment', 'enrollment_key', 'stg_hmis__enrollments', true),
    ('exit', 'exit_key', 'stg_hmis__exits', true),
    ('service', 'service_key', 'stg_hmis__services', true),
    ('income_benefits', 'income_benefits_key', 'stg_hmis__income_benefits', true),
    ('current_living_situation', 'current_living_situation_key', 'stg_hmis__current_living_situations', true),
    ('organization', 'organization_key', 'stg_hmis__organizations', false),
    ('project', 'project_key', 'stg_hmis__projects', false),
] -%}
with exports as (
    select * from {{ ref('stg_hmis__exports') }}
),

loads as (
    select * from {{ ref('stg_ingest__loads') }}
),

record_links as (
    select * from {{ ref('int_record_links') }}
),

records as (
    {% for kind, key, model, personal in stamped %}
    select
        '{{ kind }}' as record_kind,
        {{ key }} as source_key,
        '{{ model }}' as source_model,
        {{ 'record_key' if personal else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as record_key,
        site, export_id, date_created, date_updated, _load_id, _source_file, _source_row
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

joined as (
    select
        {{ dbt.concat(['records.record_kind', "':'", 'records.source_key']) }} as stamp_key,
        records.record_kind,
        records.source_model,
        records.source_key,
        record_links.person_id,
        records.site,
        records.date_created,
        records.date_updated,
        coalesce(exports.exported_at, loads.loaded_at) as exported_at,
        case
            when exports.exported_at is not null then 'ExportDate'
            when loads.loaded_at is not null then 'loaded'
        end as exported_at_from,
        records._load_id,
        records._source_file,
        records._source_row
    from records
    left join exports
        on exports.site = records.site
        and exports.export_id = records.export_id
    left join loads
        on loads.load_id = records._load_id
    left join record_links
        on record_links.record_key = records.record_key
)

select * from joined
