{{ config(unique_key='milestone_key') }}
-- depends_on: {{ ref('stg_ingest__loads') }}
-- a milestone can be re-sent as its status changes: keep its latest status
with {{ caseintel.versioned_rows('plan_milestones', 'milestone_key', 'milestone_id', to_date('status_date') ~ ' desc nulls last, ' ~ load_order(), is_incremental()) }},

renamed as (
    select
        {{ site_key('_site', 'milestone_id') }} as milestone_key,
        {{ record_key('hmis', '_site', 'personal_id') }} as record_key,
        _site as site,
        {{ clean_text('milestone_id') }} as milestone_id,
        {{ clean_text('personal_id') }} as personal_id,
        {{ clean_code('goal') }} as goal,
        {{ clean_text('milestone') }} as milestone,
        {{ clean_code('milestone_type') }} as milestone_type,
        {{ clean_code('status') }} as status,
        {{ to_date('status_date') }} as status_date,
        {{ clean_text('stall_reason') }} as stall_reason,
        {{ lineage_columns() }}
    from versioned
    {{ newest_versions('milestone_id') }}
)

{{ caseintel.staged_rows('milestone_key', is_incremental()) }}
