-- One row per bed and unit inventory record (site x InventoryID): beds and units a project has for one household type over a period.
{{ caseintel.stage_hmis_file(
    'hmis_inventory', 'inventory_id',
    text=['project_id', 'co_c_code'],
    dates=['inventory_start_date', 'inventory_end_date'],
    integers=['household_type', 'availability', 'unit_inventory', 'bed_inventory', 'ch_vet_bed_inventory', 'youth_vet_bed_inventory', 'vet_bed_inventory', 'ch_youth_bed_inventory', 'youth_bed_inventory', 'ch_bed_inventory', 'other_bed_inventory', 'es_bed_type'],
) }}
