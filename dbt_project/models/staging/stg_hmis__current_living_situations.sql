with source as (
    {{ select_source('raw', 'hmis_current_living_situation') }}
),

versioned as (
    -- raw keeps every export a site sent: newest version of each record first
    select
        source.*,
        row_number() over (
            partition by _site, trim(current_living_sit_id)
            order by {{ hmis_version_order() }}
        ) as version_rank
    from source
),

renamed as (
    select
        {{ site_key('_site', 'current_living_sit_id') }} as current_living_situation_key,
        {{ site_key('_site', 'enrollment_id') }} as enrollment_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('current_living_sit_id') }} as current_living_situation_id,
        {{ clean_text('enrollment_id') }} as enrollment_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ to_date('information_date') }} as information_date,
        {{ to_int('current_living_situation') }} as current_living_situation,
        {{ living_situation_group(to_int('current_living_situation')) }} as living_situation_group,
        {{ to_timestamp('date_created') }} as date_created,
        {{ to_timestamp('date_updated') }} as date_updated,
        {{ clean_text('export_id') }} as export_id,
        {{ lineage_columns() }}
    from versioned
    where version_rank = 1
        and {{ clean_text('date_deleted') }} is null
        and {{ clean_text('current_living_sit_id') }} is not null
)

select * from renamed
