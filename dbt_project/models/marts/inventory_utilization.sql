-- Beds and units per project on the grading date (Inventory records in force that day) and
-- how many people were enrolled then: utilization = people / beds. HUD's point-in-time
-- view of a residential project; a permanent-housing stay counts from its move-in date.
with inventory as (
    select * from {{ ref('stg_hmis__inventory') }}
),

projects as (
    select * from {{ ref('stg_hmis__projects') }}
),

enrollments as (
    select * from {{ ref('int_enrollments') }}
),

as_of as (
    select {{ as_of_date() }} as as_of_date
),

beds as (
    select
        inventory.project_key,
        sum(coalesce(inventory.bed_inventory, 0)) as beds,
        sum(coalesce(inventory.unit_inventory, 0)) as units,
        sum(coalesce(inventory.ch_bed_inventory, 0)) as chronic_beds,
        sum(coalesce(inventory.vet_bed_inventory, 0)) as veteran_beds,
        sum(coalesce(inventory.youth_bed_inventory, 0)) as youth_beds,
        count(*) as inventory_records
    from inventory
    cross join as_of
    where inventory.inventory_start_date <= as_of.as_of_date
        and (inventory.inventory_end_date is null
             or inventory.inventory_end_date >= as_of.as_of_date)
    group by inventory.project_key
),

occupied as (
    select
        enrollments.project_key,
        count(distinct enrollments.person_id) as people_enrolled
    from enrollments
    cross join as_of
    where coalesce(
            case when enrollments.project_type in (3, 9, 10, 13) then enrollments.move_in_date end,
            case when enrollments.project_type not in (3, 9, 10, 13) then enrollments.entry_date end
        ) <= as_of.as_of_date
        and (enrollments.exit_date is null or enrollments.exit_date > as_of.as_of_date)
    group by enrollments.project_key
)

select
    as_of.as_of_date,
    projects.site,
    projects.project_key,
    projects.project_name,
    projects.project_type,
    projects.project_type_name,
    beds.beds,
    beds.units,
    beds.chronic_beds,
    beds.veteran_beds,
    beds.youth_beds,
    coalesce(occupied.people_enrolled, 0) as people_enrolled,
    case
        when beds.beds > 0 then 1.0 * coalesce(occupied.people_enrolled, 0) / beds.beds
    end as bed_utilization
from beds
inner join projects
    on projects.project_key = beds.project_key
cross join as_of
left join occupied
    on occupied.project_key = beds.project_key
