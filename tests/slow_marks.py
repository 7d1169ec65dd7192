"""Which tests ``make test-fast`` leaves out: the slow ones and those needing Spark.

`make test-fast` runs `pytest -m "not slow and not spark"`: the edit-run loop, under a
minute. `make test` still runs everything. Tests are marked by ``tests/conftest.py``
from the lists here, not in their files, so that the list is one place to keep (a
test over 0.25 s of call or setup, measured with ``--durations``, is listed).
"""

from __future__ import annotations

SPARK_TESTS = ("tests/contract/",)
"""PySpark and a JVM (ten seconds to start, gigabytes of memory)."""

SLOW_TESTS: dict[str, tuple[str, ...]] = {
    "tests/stats/test_coverage_sparse.py": (),
    # session 7: ICCS calibration by held-out source (helper-measured)
    "tests/iccs_calib/test_held_out_sources.py": (
        "test_leave_one_source_out_on_a_bundled_vocabulary",
    ),
    "tests/iccs_calib/test_evaluate_cli.py": (),
    "tests/iccs_calib/test_conformal.py": (
        "test_quantile_is_the_textbook_formula",
        "test_coverage_on_synthetic_scores",
        "test_set_coverage_of_a_calibrated_classifier",
    ),
    # session 7: optional embeddings (a small model fitted in setup)
    "tests/iccs_vocab/test_embeddings.py": (
        "test_fusion_weight_zero_changes_nothing",
        "test_real_encoder_vote_finds_the_bicycle_code",
    ),
    # session 7: ingest in bounded memory, kill -9 mid-ingest
    "tests/ingest_scale/test_kill_ingest.py": (),
    "tests/ingest_scale/test_ingest_memory.py": (),
    # session 7: forecast charts (vl-convert start), field registry, audit journal
    "tests/spatial_charts/test_forecast_evaluate_charts.py": (),
    "tests/spatial_charts/test_forecast_audit_charts.py": (),
    "tests/stats_scale/test_field_once.py": (),
    "tests/serve/test_audit_journal.py": (),
    # session 7: public hotspot maps on the release's H3 hexagons (helper-measured)
    "tests/spatial_public/test_public_hotspot_map.py": (),
    "tests/spatial_public/test_public_hotspot_release.py": (),
    "tests/spatial_public/test_public_hotspot_attacks.py": (),
    "tests/spatial_public/test_public_page_browser.py": (),
    "tests/spatial_public/test_public_hotspot_property.py": (),
    "tests/spatial_public/test_public_page.py": (),
    # session 6: a real server over a released demo store (module fixture ~20 s)
    "tests/serve/test_api_public.py": (),
    "tests/serve/test_api_roles.py": (),
    # session 8: the public fast path against FastAPI's routes; loads beside readers
    "tests/serve/test_fast_reads.py": (),
    "tests/serve/test_loads.py": (),
    # session 8: the red team's attacks on the public fast path (each starts servers)
    "tests/attacks/test_attack_fast_reads.py": (),
    "tests/attacks/test_attack_fast_reads_audit.py": (),
    "tests/attacks/test_attack_fast_reads_release.py": (),
    "tests/attacks/test_attack_fast_reads_map.py": (),
    "tests/ingest/test_copies_in_held_incidents.py": (),
    "tests/ingest_scale/test_ingest_scratch.py": (),
    # session 8: the store's kept facts against fresh scans; an empty table's export
    "tests/stats/test_coverage_cache.py": (),
    "tests/stats_scale/test_parquet_export.py": (
        "test_an_empty_event_table_is_one_file_of_no_rows",
    ),
    # session 6, emerging crime: the autocoder's model and real stores (helper-measured)
    "tests/watch/test_emerging_cli.py": (),
    "tests/watch/test_emerging_motive.py": (),
    "tests/watch/test_emerging_real.py": (),
    "tests/watch/test_emerging_unfamiliar.py": (),
    "tests/watch/test_emerging_shares.py": ("test_cyber_share_rising_in_a_store",),
    "tests/watch/test_emerging_bursts.py": (
        "test_g2_agrees_with_scipy_log_likelihood_chi2",
        "test_a_term_new_in_the_current_period_bursts_with_its_own_g2",
        "test_terms_are_words_and_pairs_of_scrubbed_normalised_text",
        "test_g2_of_a_hand_worked_table",
    ),
    # session 6, trends (helper-measured, > 0.25 s)
    "tests/watch/test_watch_series_store.py": (),
    "tests/watch/test_trends_cli.py": (),
    "tests/watch/test_trends_rates.py": (),
    "tests/watch/test_charts.py": (
        "test_svg_has_one_mark_per_point_alarm_and_rule",
        "test_html_is_offline_and_self_contained",
    ),
    "tests/watch/test_trends_changes.py": ("test_negative_binomial_wald_equals_statsmodels_glm",),
    "tests/watch/test_trends_flags.py": (
        "test_full_series_runs_every_method",
        "test_partial_periods_are_left_out_with_their_reason",
    ),
    "tests/watch/test_trends_changepoints.py": (
        "test_nile_break_after_1898_with_strucchange_interval",
        "test_three_breaks_and_intervals_as_strucchange_on_uk_driver_deaths",
    ),
    "tests/watch/test_trends_decompose_forecast.py": (
        "test_stl_recovers_the_trend_and_season_a_series_was_built_from",
        "test_forecast_of_a_level_series_is_its_mean_with_a_normal_interval",
        "test_seasonal_forecast_follows_the_season",
    ),
    # session 6, spatial (helper-measured, > 0.25 s)
    "tests/spatial/test_hotspots_cli.py": (),
    "tests/spatial/test_forecast_evaluate.py": (
        "test_cli_on_memphis_weeks",
        "test_a_hand_made_week_scores_as_computed_by_hand",
    ),
    "tests/spatial/test_local_stats.py": (
        "test_ties_do_not_make_cold_spots_of_empty_neighbourhoods",
    ),
    "tests/spatial/test_scan_store.py": (),
    "tests/spatial/test_knox_store.py": (),
    "tests/spatial/test_scan_ny.py": (),
    "tests/spatial/test_knox_chicago.py": ("test_cli_json_on_the_file",),
    # session 6, alerts (helper-measured)
    "tests/watch/test_alerts_store.py": (),
    "tests/watch/test_surveillance_farrington.py": (
        "test_survstat_vignette_table_farrington_b5_w3",
        "test_other_thresholds_same_baseline_close_bounds",
        "test_improved_farrington_agrees_week_by_week",
    ),
    "tests/watch/test_alerts_nypd.py": ("test_anti_asian_alarms_march_2020_and_early_2021",),
    "tests/watch/test_surveillance_cli.py": (
        "test_heldout_weekly_series_defaults_agree_with_r_week_by_week",
    ),
    # session 6, periods, unpivot and motive (helper-measured)
    "tests/stats/test_periods_coverage.py": (),
    "tests/stats/test_periods_stats.py": (),
    "tests/release/test_release_period.py": (),
    "tests/stats/test_motive_nypd.py": (),
    "tests/ingest/test_nypd_complaints.py": (),
    "tests/ingest/test_unpivot.py": (
        "test_reconciliation_counts_source_rows",
        "test_two_victims_side_by_side_become_two_victims",
        "test_reingest_is_all_duplicates",
    ),
    "tests/stats/test_motive_flat.py": (
        "test_flat_rows_load_their_motive_and_default_to_unknown",
        "test_a_motive_outside_iccs_is_quarantined",
    ),
    "tests/watch/test_alerts_motive_store.py": (),
    # session 6, surveys (helper-measured)
    "tests/survey/test_dark_figure.py": (),
    "tests/survey/test_survey_cli.py": (),
    "tests/survey/test_ncvs_original_files.py": (),
    "tests/survey/test_domains_second_method.py": ("test_property_by_region",),
    "tests/survey/test_load_errors.py": ("test_small_load_applies_the_series_rule",),
    # session 6, pending review, structural zeros, the ICCS review queue (helper-measured)
    "tests/stats/test_pending_review.py": (),
    "tests/release/test_structural_zeros.py": (),
    "tests/docs/test_release_doc_fields.py": (),
    "tests/iccs/test_iccs_review_queue.py": (
        "test_identical_texts_are_one_row_and_one_answer_codes_them_all",
    ),
    "tests/serve/test_governance_doc.py": (),
    "tests/spatial/test_feedback_loop_cli.py": ("test_points_file_and_weighted_truth",),
    "tests/spatial/test_feedback_loop.py": (
        "test_uniform_truth_with_uplift_concentrates_the_record_not_the_crime",
    ),
    "tests/attacks/test_attack_api.py": (),
    "tests/attacks/test_attack_spatial.py": ("test_points_left_out_of_a_points_file_are_said",),
    "tests/attacks/test_attack_watch.py": ("test_good_farrington_parameters_still_run",),
    "tests/watch/test_scrub.py": (
        "test_real_block_addresses_are_all_scrubbed",
        "test_real_offence_vocabularies_pass_unchanged",
        "test_names_are_scrubbed",
    ),
    # Measured once on main at 3964f6c, 2026-12-06: `nice -n 19 pytest -q --durations=0`
    # (821 tests, 11 min 27 s on 2 cores with a load average of 4-7). Listed: every test
    # whose call took more than 0.3 s (all parameters of a test when half of them did), and
    # whole files (`()`) whose module fixture took more than 1 s to set up (a store built
    # and coded, a release written). Re-measure the same way when the suite changes much.
    "tests/attacks/test_attack_files.py": (
        "test_file_name_with_glob_characters_loads_exactly_that_file",
        "test_glob_name_gzip_and_parquet_load_exactly_that_file",
        "test_no_line_length_at_which_a_row_vanishes",
        "test_default_limit_counts_every_line_and_refuses_a_longer_one",
        "test_gzip_over_decompressed_limit_is_refused_before_staging",
        "test_gzip_expanding_past_ratio_is_refused",
        "test_bomb_check_runs_in_bounded_memory",
        "test_too_many_columns_refused_early",
        "test_column_limit_is_configurable",
        "test_oversized_header_refused_with_its_real_cause",
        "test_corrupt_store_is_reported_as_damaged_not_in_use",
        "test_a_store_held_by_another_process_is_still_reported_in_use",
        "test_store_connections_never_install_or_autoload_extensions",
        "test_disk_full_at_commit_refuses_the_file_and_leaves_the_store_usable",
        "test_out_of_memory_is_named_with_its_fix",
        "test_csv_cut_inside_a_quoted_field_is_never_loaded_truncated",
    ),
    "tests/bench/test_workload_generator.py": (),
    "tests/bench/test_ingest_floor.py": (),  # session 11: loads small files three ways
    "tests/cli/test_classify.py": (),
    "tests/cli/test_cli_contract.py": (),
    "tests/cli/test_demo_cli.py": (),
    "tests/cli/test_real_sources.py": (),
    "tests/cli/test_status_completeness.py": ("test_every_table_carries_completeness",),
    "tests/dp/test_dp_release.py": (
        "test_output_has_exactly_the_public_keys_as_non_negative_integers",
    ),
    "tests/dp/test_dp_statistics.py": (),
    "tests/dp/test_dp_tables.py": ("test_margin_half_widths_cover_sparse_margins",),
    "tests/geomask/test_geomask_areas.py": ("test_locate_many_agrees_with_one_at_a_time",),
    "tests/geomask/test_geomask_counted.py": ("test_published_counts_keep_every_promise",),
    "tests/geomask/test_geomask_snapping.py": (
        "test_snap_point_guarantees_hold_for_random_points",
    ),
    "tests/iccs/test_iccs_autocoder.py": (),
    "tests/iccs/test_iccs_glossary.py": ("test_english_training_text_is_not_translated",),
    "tests/iccs/test_iccs_heldout.py": (
        "test_heldout_section_accuracy_has_a_floor",
        "test_police_categories_meet_floors",
    ),
    # session 11: each penal code scored by a coder fitted without it (three fits)
    "tests/iccs/test_iccs_heldout_penal_codes.py": ("test_held_out_accuracy_has_floors",),
    "tests/iccs_calib/test_training_only.py": (),
    "tests/indicators/test_indicators_cli.py": (
        "test_mse_register_round_trip",
        "test_indicators_and_attrition_write_parquet",
    ),
    "tests/indicators/test_indicators_tiny.py": (
        "test_without_area_counts_stay_and_rates_say_why",
        "test_not_computable_when_the_source_lacks_the_data",
    ),
    "tests/ingest/test_bad_files.py": ("test_bad_file_is_refused_whole",),
    "tests/ingest/test_crash.py": (),
    "tests/ingest/test_formats.py": (),
    "tests/ingest/test_justice.py": (),
    "tests/ingest/test_mapping.py": (),
    "tests/ingest/test_reconciliation_property.py": (),
    "tests/mse/test_mse_bootstrap.py": (
        "test_bootstrap_is_reproducible_with_a_seed_and_changes_with_it",
        "test_all_methods_bootstrap_from_independent_streams",
    ),
    "tests/mse/test_mse_cli.py": (
        "test_json_all_is_a_list_with_weights",
        "test_all_human_table_shows_every_method",
    ),
    "tests/mse/test_mse_report.py": (
        "test_uk_report_is_offline_and_shows_data_estimates_and_warnings",
    ),
    "tests/mse/test_mse_selection.py": (
        "test_uk_bic_search_is_exhaustive_and_ranks_models",
        "test_all_methods_carry_bic_weights_that_sum_to_one_over_distinct_models",
        "test_relabelling_or_reordering_lists_never_changes_an_estimate",
        "test_bic_is_invariant_to_list_order_on_the_uk_data",
        "test_bic_warns_when_close_models_disagree",
    ),
    "tests/privacy/test_privacy_cross_unit.py": (
        "test_random_records_leave_every_withheld_cell_wide",
        "test_the_red_team_case_leaks_without_and_not_with_the_cross_unit_audit",
    ),
    "tests/privacy/test_privacy_linked.py": (
        "test_linked_tables_withstand_an_independent_attacker",
        "test_the_joint_milp_withstands_the_same_attacker",
        "test_hierarchies_withstand_an_independent_attacker",
        "test_the_joint_audit_repairs_what_the_tables_pass_alone",
    ),
    "tests/privacy/test_privacy_properties.py": (
        "test_no_published_cell_is_under_the_threshold",
        "test_every_suppressed_cell_keeps_the_protection_width",
        "test_milp_never_costs_more_than_the_heuristic",
        "test_milp_is_optimal_against_every_pattern",
        "test_audit_matches_a_brute_force_attacker",
        "test_3d_tables_are_protected",
    ),
    "tests/privacy/test_privacy_suppression.py": (
        "test_privacy_imports_no_engine_or_interface",
        "test_medium_table_from_the_heuristic_passes_the_audit",
    ),
    "tests/release/test_release_attack.py": (),
    "tests/release/test_release_build.py": (),
    "tests/release/test_release_charts.py": (),
    "tests/release/test_release_config.py": (
        "test_any_value_gives_a_config_or_a_usage_error",
        "test_epsilon_shares_never_exceed_the_budget",
    ),
    "tests/release/test_release_dp.py": (),
    "tests/release/test_release_frictionless.py": (),
    "tests/release/test_release_golden.py": (),
    "tests/release/test_release_linked.py": (
        "test_linked_tables_agree_and_withheld_cells_stay_hidden",
        "test_revised_release_keeps_withheld_cells_withheld",
        "test_months_nest_in_years_across_linked_tables",
    ),
    "tests/release/test_release_maps.py": (),
    "tests/release/test_release_sdmx.py": (),
    "tests/series/test_series_cli.py": (
        "test_reproduce_homicide_on_a_fresh_install_prints_a_table",
    ),
    "tests/series/test_series_reproduce.py": (
        "test_homicide_wpp_full_bundled_file_matches_the_independent_count",
        "test_homicide_wpp_every_miss_at_one_decimal_has_a_known_reason",
    ),
    "tests/series/test_series_store.py": ("test_homicide_falls_back_to_the_bundled_file",),
    "tests/stats/test_stats_cli.py": ("test_out_files_with_sidecar",),
    "tests/stats/test_stats_hierarchy.py": ("test_population_year",),
    "tests/stats/test_stats_locate.py": ("test_same_answer_as_geomask",),
    "tests/stats/test_stats_memphis.py": (),
    "tests/validation/test_rules.py": (
        "test_rule_fires_on_its_case[coordinates-null-island]",
        "test_rule_fires_on_its_case[reported-date-missing]",
        "test_conflicts_with_the_store",
    ),
    # session 9: tidy3 golden bytes (small stores built in setup)
    "tests/tidy3/test_indicators_golden.py": (),
    "tests/tidy3/test_stats_golden.py": (),
    "tests/tidy3/test_trends_service_golden.py": ("test_store_trends_with_rates_bytes",),
    "tests/tidy/test_audit_record.py": (
        "test_an_old_log_still_verifies_and_takes_new_entries",
        "test_an_old_journal_is_replayed_onto_an_old_log",
    ),
}
"""Per test file, the slow test functions (or ``name[param]`` ids); ``()``: the whole file."""

SLOW_FIXTURES = frozenset({"autocoder", "demo_db"})
"""Session fixtures that take long once: fitting the ICCS autocoder (67 s in that run),
building and coding the demo store (13 s); every test that uses one is slow."""

_MEASURED_SESSION_5: dict[str, tuple[str, ...]] = {
    # Measured on main at ba75cdd, 2026-12-06, machine idle: `pytest -m "not slow and not
    # spark" --durations=0 --durations-min=0.25` (the fast subset had grown to 200 s with
    # the attack suites). Listed: every test with a call or setup over 0.25 s (all its
    # parameters: the sweeps of every option and every mapping key are slow as a whole).
    "tests/attacks/test_attack_mapping.py": (
        "test_cli_gives_one_message_and_a_fix",
        "test_every_key_with_every_wrong_value_is_a_mapping_error_or_a_correct_load",
    ),
    "tests/attacks/test_attack_privacy.py": (
        "test_a_solver_failure_is_not_taken_for_non_convergence",
        "test_lineage_names_no_input_file",
        "test_notes_recover_no_withheld_cell",
        "test_rounding_beside_threshold_leaks_and_is_refused",
        "test_rule_counts_are_not_published",
        "test_the_report_does_not_say_which_rule_withheld",
    ),
    "tests/attacks/test_attack_privacy_history.py": (
        "test_an_earlier_pattern_does_not_pin_a_new_cell",
        "test_one_new_incident_is_not_recovered_by_differencing",
        "test_one_new_point_does_not_show_on_the_map",
        "test_the_store_records_what_each_release_published",
    ),
    "tests/attacks/test_attack_redteam_differencing.py": (
        "test_a_total_withheld_by_one_table_is_not_published_by_another",
    ),
    "tests/attacks/test_attack_redteam_ingest.py": (
        "test_a_coding_file_with_a_repeated_column_is_refused",
        "test_a_parquet_cell_longer_than_a_line_is_refused_and_the_hint_holds_it",
        "test_an_ordinary_parquet_still_loads_under_small_limits",
        "test_no_store_required_rule_can_be_a_warning",
        "test_the_line_hint_names_a_limit_that_holds_the_line",
    ),
    "tests/attacks/test_attack_redteam_release.py": (
        "test_a_source_named_total_in_a_dp_table",
        "test_a_suppression_failure_in_a_release_names_a_fix_it_has",
        "test_a_value_named_total_is_published_under_its_own_label",
        "test_force_refuses_a_folder_that_only_looks_like_a_release",
        "test_force_still_replaces_an_untouched_release",
        "test_raising_the_threshold_after_a_recorded_release_works",
        "test_raising_the_threshold_for_linked_tables",
    ),
    "tests/attacks/test_attack_release.py": (
        "test_a_store_the_user_may_not_write_refuses_before_any_noise",
        "test_an_ingest_taking_the_store_lock_mid_release_publishes_nothing",
        "test_force_puts_the_old_release_back_when_the_new_cannot_move_in",
        "test_force_replaces_the_old_release_whole",
        "test_kill_9_mid_release_leaves_no_folder_and_no_unrecorded_noise",
    ),
    "tests/attacks/test_error_promise.py": (
        "test_a_full_disk_is_one_message_and_leaves_no_half_file",
        "test_every_option_keeps_the_error_promise",
    ),
    "tests/cli/test_output_files.py": (
        "test_quarantine_out_does_not_replace_a_file_without_force",
    ),
    "tests/cli/test_status_completeness.py": (
        "test_missing_months_and_late_reports",
        "test_empty_months_of_a_small_source_are_not_missing",
    ),
    "tests/cli/test_status_honest.py": (
        "test_a_no_op_reingest_adds_no_file_and_no_row",
        "test_an_unknown_stats_option_value_is_bad_usage",
        "test_blank_coordinates_are_counted_not_rounded_away",
        "test_quarantine_names_the_editor_line_and_the_incident",
        "test_status_counts_only_the_version_that_replaced",
        "test_victim_and_suspect_fields_have_blank_shares",
    ),
    "tests/docs/test_docs_run.py": ("test_cited_design_sections_exist",),
    "tests/docs/test_extending.py": ("test_extending_examples_run",),
    "tests/dp/test_dp_ledger.py": ("test_ledger_never_exceeds_its_budget",),
    "tests/iccs/test_iccs_glossary.py": ("test_glossary_file_is_well_formed",),
    "tests/iccs/test_iccs_translations.py": ("test_english_sources_never_look_foreign",),
    "tests/indicators/test_indicators_attrition.py": (
        "test_policeuk_burglary_against_the_raw_files",
        "test_tiny_flow",
    ),
    "tests/indicators/test_indicators_cli.py": ("test_attrition_csv",),
    "tests/indicators/test_indicators_tiny.py": ("test_homicide_rates_by_sex_and_age",),
    "tests/ingest/test_bad_files.py": (
        "test_a_bad_file_does_not_stop_the_good_ones",
        "test_a_malformed_row_is_quarantined_with_its_raw_line",
        "test_a_missing_final_newline_is_a_warning",
        "test_latin1_loads_when_declared",
    ),
    "tests/ingest/test_real_source_mappings.py": (
        "test_a_filtered_row_never_holds_back_the_kept_rows_of_its_incident",
        "test_a_repeated_header_loads_when_the_mapping_names_the_column",
        "test_a_where_filter_keeps_rows_matching_a_pattern",
        "test_rows_a_where_filter_sets_aside_are_counted_not_lost",
        "test_sentinel_ages_become_unknown_never_a_real_age",
        "test_several_offence_columns_load_with_one_mapping_per_column",
        "test_the_right_order_loads_every_date",
    ),
    "tests/ingest/test_source_lifecycle.py": (
        "test_a_release_lineage_lists_only_the_ingests_that_still_count",
        "test_mistaken_mapping_is_fixed_by_replace",
        "test_profile_warns_on_a_batch_date_a_blank_column_and_a_recoding",
        "test_profile_warns_on_a_sentinel_age",
        "test_profile_warns_on_age_zero_below_a_spike",
        "test_undo_refuses_to_orphan_a_later_ingests_records",
        "test_undo_removes_one_ingest_and_keeps_its_record",
    ),
    "tests/mse/test_mse_cli.py": ("test_bootstrap_json_is_reproducible_with_the_seed",),
    "tests/mse/test_mse_report.py": ("test_reading_says_when_intervals_do_not_overlap",),
    "tests/release/test_release_counts_once.py": (
        "test_default_release_counts_each_table_once",
        "test_mixed_release_counts_each_table_once",
    ),
    "tests/release/test_release_imports.py": ("test_each_release_module_imports_alone",),
    "tests/series/test_series_cli.py": ("test_load_then_reproduce_json",),
    "tests/series/test_series_store.py": ("test_two_datasets_live_side_by_side",),
    "tests/stats/test_field_registry.py": (
        "test_every_registered_field_counts_each_record_once",
        "test_field_lists_live_only_in_the_registry",
    ),
    "tests/stats/test_stats_cli.py": (
        "test_csv_to_stdout",
        "test_json_has_metadata_and_rows",
        "test_rate_columns",
    ),
    "tests/stats/test_stats_hierarchy.py": (
        "test_cli_area_level",
        "test_incidents_count_in_every_ancestor",
        "test_populations_roll_up_only_when_complete",
    ),
    "tests/stats/test_stats_rates.py": ("test_rates_by_area_and_year",),
    "tests/stats/test_stats_tiny.py": (
        "test_age_group_boundaries",
        "test_incident_counts_once_per_distinct_section",
        "test_incidents_without_offence_fields_count_once",
        "test_periods_reported_and_occurred",
    ),
    "tests/storage/test_migrations.py": (
        "test_row_keys_of_an_older_store_still_find_their_duplicates",
    ),
    "tests/validation/test_rules.py": (
        "test_a_clean_row_raises_nothing",
        "test_quarantine_keeps_raw_text_and_every_reason",
        "test_rule_fires_on_its_case",
    ),
}
for _file, _names in _MEASURED_SESSION_5.items():
    if SLOW_TESTS.get(_file) != ():  # a whole file already listed stays whole
        SLOW_TESTS[_file] = (*SLOW_TESTS.get(_file, ()), *_names)
