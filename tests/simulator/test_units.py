"""The one set of formatters writes small quantities without rounding them into false sentences."""

from simulator import catalogue, units


class TestMegabytes:
    def test_a_size_below_10_mb_keeps_its_decimal(self):
        assert units.megabytes(2.5) == "2.5 MB"
        assert units.megabytes(4.1) == "4.1 MB"

    def test_a_whole_size_below_10_mb_drops_the_empty_decimal(self):
        assert units.megabytes(5) == "5 MB"

    def test_sizes_from_10_mb_read_in_whole_megabytes_and_from_10_gb_in_gigabytes(self):
        assert units.megabytes(23.7) == "24 MB"
        assert units.megabytes(9470) == "9,470 MB"
        assert units.megabytes(16 * 1024) == "16.0 GB"

    def test_firecrackers_monitor_memory_is_quoted_as_2_5_mb(self):
        assert catalogue.figure("microvm.memory_mb").text == "2.5 MB"


class TestPercent:
    def test_a_share_below_1_percent_keeps_one_decimal(self):
        assert units.percent(0.004) == "0.4%"

    def test_a_share_just_below_100_percent_is_not_rounded_up_to_100(self):
        assert units.percent(0.996) == "99.6%"

    def test_a_share_too_small_for_one_decimal_reads_under_a_tenth(self):
        assert units.percent(0.0002) == "under 0.1%"

    def test_zero_whole_and_ordinary_shares_read_in_whole_percent(self):
        assert units.percent(0) == "0%"
        assert units.percent(1) == "100%"
        assert units.percent(0.58) == "58%"

    def test_asked_for_digits_are_kept(self):
        assert units.percent(0.5, 1) == "50.0%"

    def test_gvisors_cpu_overhead_is_quoted_as_0_4_percent(self):
        assert catalogue.figure("gvisor.compute_overhead").text == "0.4%"
