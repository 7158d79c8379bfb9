"""The traps real text sets for figure meaning (issue: "What real text does"), each with sentences
of our own: several roles in one sentence, time from the clause, area from the headline or lead,
rankings, places without their admin word, relative times, sub-populations, plain actuals,
look-alike indicators."""
from __future__ import annotations

import pytest

from pipeline.extract import extract_facts
from pipeline.records import Article, article_id
from tests.extract_helpers import book


def figures(text: str, published: str | None = None, source: str = "", title: str = "") -> dict:
    article = Article(id=article_id(None, text), url=None, title=title, published=published, source=source,
                      fetched_at=None, text=text)
    return {f.text: f for f in extract_facts(article, book()) if f.kind in ("percent", "fraction") and f.field == "text"}


def test_several_roles_in_one_sentence():
    f = figures("Giải quyết việc làm cho 99.000 lao động, đạt 65% kế hoạch năm, tăng 12% so với cùng kỳ.", "2024-12-20")
    assert (f["65%"].value_kind, f["65%"].modality, f["65%"].indicator) == ("share_of_plan", "actual", "jobs_created")
    assert (f["12%"].value_kind, f["12%"].modality, f["12%"].indicator) == ("change", "actual", "jobs_created")
    assert f["12%"].subject == f["65%"].subject == "Giải quyết việc làm"


def test_a_decisions_date_is_not_the_figures_date():
    f = figures("Theo Quyết định số 24/2021/QĐ-UBND ngày 5-3-2021 của UBND tỉnh, đến nay toàn tỉnh còn 2,1% hộ nghèo.",
                "2024-06-15", "baonghean.vn")
    assert (f["2,1%"].as_of_end, f["2,1%"].time_basis) == ("2024-06-15", "published")


def test_a_standards_period_is_not_the_time():
    f = figures("Tính theo chuẩn nghèo giai đoạn 2022-2025, tỷ lệ hộ nghèo của tỉnh còn 3,5%.", "2024-06-15")
    assert f["3,5%"].as_of_end == "2024-06-15"


def test_a_single_year_after_a_poverty_standard_is_the_time():
    f = figures("Tỷ lệ hộ nghèo theo chuẩn nghèo đa chiều năm 2022 là 4,03%, giảm 1,17%.", "2023-08-11")
    assert f["4,03%"].as_of_end == f["1,17%"].as_of_end == "2022-12-31"
    g = figures("GRDP theo giá so sánh năm 2010 tăng 7,5%.", "2023-08-11")
    assert g["7,5%"].as_of_end != "2010-12-31"


def test_a_look_back_does_not_date_what_follows():
    text = ("Tỷ lệ hộ nghèo dân tộc thiểu số năm 2022 là 21,02%. Con số này của năm 2021 là 25,91%. "
            "Tỷ lệ hộ nghèo trên 74 huyện nghèo là 38,62%.")
    f = figures(text, "2023-08-11")
    assert (f["25,91%"].as_of_end, f["38,62%"].as_of_end) == ("2021-12-31", "2022-12-31")


def test_a_comparison_in_brackets_does_not_date_the_figure():
    f = figures("Tỷ lệ lao động qua đào tạo đạt 70% năm 2025, trong đó có bằng cấp, chứng chỉ đạt khoảng 29% "
                "(so với 24,1% năm 2020).", "2025-10-01")
    assert f["29%"].as_of_end == "2025-12-31" and f["24,1%"].as_of_end == "2020-12-31"


def test_the_same_period_a_year_before_dates_its_growth_rate():
    f = figures("Tính chung chín tháng năm 2024, GRDP của Đà Nẵng ước tăng 6,47%, cao hơn mức tăng 3,94% cùng kỳ "
                "năm 2023.", "2024-10-05")
    assert (f["6,47%"].as_of_end, f["3,94%"].as_of_end) == ("2024-09-30", "2023-09-30")


def test_a_bracket_with_its_own_figure_dates_that_figure_only():
    f = figures("Tỷ lệ hồ sơ trực tuyến toàn trình 6 tháng đầu năm 2024 cả nước đạt 42% (cuối năm 2023 là 17%); "
                "bộ, ngành đạt 61% (cuối năm 2023 là 38%).", "2024-07-20")
    assert f["42%"].as_of_end == f["61%"].as_of_end == "2024-06-30"
    assert f["17%"].as_of_end == f["38%"].as_of_end == "2023-12-31"


def test_an_aside_year_does_not_date_the_paragraph():
    f = figures("Năm 2024, tỷ lệ hộ nghèo còn 2%. Riêng năm 2023, có 71 xã đạt chuẩn. Tỷ lệ xã có đường ô tô đạt 100%.",
                "2025-01-10")
    assert f["100%"].as_of_end == "2024-12-31"


def test_a_baseline_average_is_not_the_time():
    f = figures("Bụi mịn có xu hướng tăng so với trung bình năm 2022. Cả nước mới có 30,3% cụm công nghiệp có hệ "
                "thống xử lý nước thải.", "2024-05-01")
    assert f["30,3%"].as_of_end == "2024-05-01"


def test_a_figures_own_noun_is_not_overruled_by_the_sentence():
    f = figures("Tỷ lệ che phủ rừng ổn định ở mức 42%, giảm 9% lượng phát thải khí nhà kính, 100% các cơ sở sản xuất "
                "kinh doanh đạt quy chuẩn về môi trường.", "2024-05-01")
    assert f["42%"].indicator == "forest_cover_rate"
    assert f["9%"].indicator == f["100%"].indicator == ""


def test_a_district_advanced_standard_is_not_the_district_standard():
    f = figures("Tỷ lệ huyện nông thôn mới nâng cao là 20%; tỷ lệ huyện đạt chuẩn nông thôn mới là 51%.", "2024-05-01")
    assert (f["20%"].indicator, f["51%"].indicator) == ("", "districts_new_rural_standard")


def test_a_leading_standard_clause_is_not_the_subject():
    f = figures("Cụ thể, tính theo chuẩn nghèo đa chiều quốc gia, toàn thành phố có 1.161 hộ nghèo và hộ cận nghèo, "
                "chiếm tỷ lệ 0,03% trên tổng số hộ dân.", "2025-03-01", "hcmcpv.org.vn")
    assert f["0,03%"].indicator == "poor_household_rate" and not f["0,03%"].subject.startswith("tính theo")


def test_a_ministrys_report_naming_no_place_is_national_on_a_provincial_site():
    text = ("Theo báo cáo của Bộ Tài chính, lũy kế 10 tháng qua, thu ngân sách Nhà nước ước đạt hơn 1 triệu 398 nghìn "
            "tỷ đồng, bằng 86,3% dự toán.")
    assert figures(text, "2023-11-01", "gialaitv.vn")["86,3%"].area == "cả nước"
    provincial = ("Tính đến ngày 30/9/2022, tỷ lệ lao động tham gia BHXH toàn tỉnh đạt 38,05%, thấp hơn chỉ tiêu tại "
                  "Quyết định số 546/QĐ-TTg của Thủ tướng Chính phủ.")
    assert figures(provincial, "2022-11", "baobariavungtau.com.vn")["38,05%"].area == "Bà Rịa - Vũng Tàu"


def test_a_wrapped_line_does_not_end_the_sentence():
    f = figures("Hơn 330.000 lượt lao động được đào tạo, tỷ lệ thất nghiệp ở khu vực thành thị\ngiảm xuống dưới 3%.",
                "2025-09-23", "baonghean.vn")
    assert (f["3%"].indicator, f["3%"].area_part) == ("unemployment_rate", "khu vực thành thị")


def test_a_list_of_provinces_is_no_paragraph_area():
    f = figures("Dịch bệnh ở các địa bàn trọng điểm như TP.HCM, Bình Dương, Đồng Nai. Kim ngạch xuất khẩu cả nước quý "
                "III/2021 tăng 5,2%. Xuất khẩu 9 tháng tăng 18,8%.", "2021-10-05", "vneconomy.vn")
    assert f["18,8%"].area == "cả nước"


def test_a_plans_deadline_is_the_figures_time():
    f = figures("Kế hoạch đề ra các chỉ tiêu cụ thể như sau: đến năm 2025, 100% xã đạt chuẩn nông thôn mới.", "2023-03-01",
                "baohatinh.vn")
    assert (f["100%"].as_of_end, f["100%"].modality) == ("2025-12-31", "target")


def test_components_of_a_total_are_not_the_total():
    f = figures("Tổng thu ngân sách 6 tháng là 12.221 tỷ đồng, đạt 51,8% dự toán; trong đó, thu nội địa 10.152 tỷ đồng, "
                "đạt 50,51% và thu xuất nhập khẩu là 3.224 tỷ đồng, đạt 59%.", "2024-07-05", "baoquangnam.vn")
    assert f["51,8%"].indicator == "budget_revenue" and f["50,51%"].indicator == f["59%"].indicator == ""
    g = figures("Trong 11 nhóm hàng hóa, hàng may mặc, mũ nón, giày dép tăng 0,18%; chỉ số giá tiêu dùng chung tăng 0,5%.",
                "2023-04-05", "baohatinh.vn")
    assert (g["0,18%"].indicator, g["0,5%"].indicator) == ("", "cpi")
    h = figures("Giải ngân vốn đầu tư công đạt 37,72% kế hoạch. Vốn nước ngoài đã giải ngân 75,1 tỷ đồng, đạt 25,36% kế "
                "hoạch. Chương trình mục tiêu quốc gia giảm nghèo bền vững giải ngân 0,379 tỷ đồng, đạt 0,19%.",
                "2023-09-01", "baonghean.vn")
    assert h["37,72%"].indicator == "public_investment_disbursement"
    assert h["25,36%"].indicator == h["0,19%"].indicator == ""


def test_a_districts_party_committee_and_a_bare_district_heading_name_the_district():
    f = figures("Năm 2022, Huyện ủy Long Hồ đề ra chỉ tiêu giải quyết việc làm cho 3.500 lao động; 9 tháng đầu năm đã "
                "giải quyết việc làm cho 4.262 lao động, đạt 121,8% chỉ tiêu.", "2022-10-01", "baovinhlong.vn")
    assert f["121,8%"].area == "huyện Long Hồ"
    g = figures("Tỷ lệ hộ nghèo của huyện đến cuối năm 2019 chỉ còn 2,03%.", "2020-08-01", "vietnamnet.vn",
                title="Thới Bình: Công tác giảm nghèo đạt kết quả tích cực")
    assert g["2,03%"].area == "huyện Thới Bình"
    h = figures("Tỷ lệ hộ nghèo toàn tỉnh còn 2,5%.", "2020-08-01", "vietnamnet.vn", title="Hà Tĩnh: giảm nghèo bền vững")
    assert h["2,5%"].area == "Hà Tĩnh"


def test_the_years_end_a_week_away_is_a_result_and_recent_times_are_now():
    text = ("Năm 2021, tỉnh phấn đấu giảm tỷ lệ hộ nghèo bình quân từ 2%-3%.\nUBND tỉnh cho biết, thời gian qua, công tác "
            "giảm nghèo đạt kết quả tích cực, bình quân giảm tỷ lệ hộ nghèo trên 3%/năm.\nĐến cuối năm 2020, toàn tỉnh "
            "còn 8.617 hộ nghèo, chiếm tỷ lệ 2,66%.")
    f = figures(text, "2020-12-24", "baosoctrang.org.vn")
    assert (f["3%"].as_of_end, f["3%"].modality) == ("2020-12-24", "actual")
    assert (f["2,66%"].as_of_end, f["2,66%"].modality) == ("2020-12-31", "actual")
    g = figures("Đến cuối năm 2020, tỷ lệ hộ nghèo toàn tỉnh còn 2%.", "2020-03-01", "baosoctrang.org.vn")
    assert g["2%"].modality == "target"


def test_a_price_basis_ends_the_subject_and_sectors_in_a_breakdown_are_components():
    text = ("Tổng sản phẩm trên địa bàn tỉnh (GRDP) theo giá so sánh 2010 ước đạt 136,9 nghìn tỷ đồng, tăng 6,03% so với "
            "năm 2023. Trong đó, cả 3 khu vực kinh tế đều tăng, cao nhất là khu vực Dịch vụ, tăng 7,04%.")
    f = figures(text, "2025-01-05", "bacninh.gov.vn")
    assert f["6,03%"].indicator == "grdp_growth" and "GRDP" in f["6,03%"].subject
    assert f["7,04%"].indicator == ""


@pytest.mark.parametrize("host, home", [
    ("phuthodfa.gov.vn", "Phú Thọ"), ("hanoimoi.vn", "Hà Nội"), ("huengaynay.vn", "Huế"), ("baolongan.vn", "Long An"),
    ("vanlam.hungyen.gov.vn", "huyện Văn Lâm"), ("xuctiendautuhagiang.gov.vn", "Hà Giang"), ("vnexpress.net", "cả nước"), ("example.org", "")])
def test_a_sites_home_area_from_its_host(host, home):
    assert book().gazetteer.home_area(host) == home


def test_age_groups_of_a_breakdown_are_sub_areas():
    f = figures("Tỷ lệ tiêm mũi 2 vắc xin cho người từ 18 tuổi trở lên đạt 75,6%, trẻ từ 12 - 17 tuổi đạt 48,5%.",
                "2022-06-01", "vnexpress.net")
    assert (f["75,6%"].area_part, f["48,5%"].area_part) == ("người từ 18 tuổi trở lên", "trẻ từ 12 - 17 tuổi")
    g = figures("Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ đạt 96%.", "2022-06-01", "vnexpress.net")
    assert g["96%"].area_part == ""


def test_a_sentence_opening_with_hiện_speaks_of_now():
    f = figures("Theo kết quả rà soát năm 2019, huyện kéo giảm 2,70% tỷ lệ hộ nghèo. Hiện toàn huyện còn 6,71% hộ nghèo.",
                "2019-12-10", "baodongkhoi.vn")
    assert (f["2,70%"].as_of_end, f["6,71%"].as_of_end) == ("2019-12-31", "2019-12-10")


# one figure, one attribute: a clause naming its own part (not the part of the figure it continues);
# the indicator's words as the subject when nothing nearer names it; "mới" after a rural area is "only"
ONE_ATTRIBUTE = [
    ("Cấp tiểu học có 8.167 trường chuẩn quốc gia (chiếm tỷ lệ 55,1%); cấp THCS có 4.573 trường chuẩn quốc gia "
     "(chiếm tỷ lệ 41,85%).", "2017-08-06", "nhandan.com.vn", "41,85%", "area_part", "cấp trung học cơ sở"),
    ("Tham gia BHXH bắt buộc: 98.000 người, đạt 98,11% kế hoạch năm.", "2020-01-10", "baobentre.vn", "98,11%",
     "subject", "BHXH bắt buộc"),
    ("Tham gia BHXH bắt buộc: 98.000 người, đạt 98,11% kế hoạch năm.", "2020-01-10", "baobentre.vn", "98,11%",
     "indicator", "social_insurance_coverage"),
    ("Tỷ lệ thu gom, xử lý chất thải rắn sinh hoạt tại khu vực nông thôn mới đạt 77,69%.", "2024-05-01", "", "77,69%",
     "area_part", "khu vực nông thôn"),
    # "toàn xã" in a commune's article is that commune; "toàn xã hội" is society
    ("Xã Tân Phú là xã nông thôn mới kiểu mẫu.\nĐến nay, toàn xã có 100% hộ dân sử dụng nước sạch.", "2024-05-01",
     "vnexpress.net", "100%", "area", "xã Tân Phú"),
    ("Tổng vốn đầu tư toàn xã hội của tỉnh đạt 96,6% kế hoạch.", "2024-05-01", "baobentre.vn", "96,6%", "subject",
     "Tổng vốn đầu tư toàn xã hội"),
    # a sentence naming nothing its first figure measures goes on about the sentence before
    ("Giá trị sản xuất toàn ngành tăng 1,81% so với cùng kỳ. Quy mô đạt khoảng 22.140 tỷ đồng, bằng 53,2% kế hoạch.",
     "2024-07-01", "baogialai.com.vn", "53,2%", "subject", "Giá trị sản xuất toàn ngành"),
    # a dose's, a grade's or a level's number is part of the subject
    ("Đến ngày 23/8, người từ 18 tuổi trở lên tiêm mũi 3 đạt 75,6%; mũi 4 đạt hơn 70%.", "2022-08-25", "vnexpress.net",
     "70%", "subject", "mũi 4"),
    # the subject of a rank is what is ranked, never the ranking words
    ("Chỉ số PAR INDEX xếp thứ 9/63 tỉnh, thành phố; PAPI xếp hạng 10/63 tỉnh thành phố.", "2020-09-01",
     "baobariavungtau.com.vn", "10/63", "subject", "PAPI"),
    ("Chỉ số PAR INDEX xếp 9/63 tỉnh, thành phố.", "2020-09-01", "baobariavungtau.com.vn", "9/63", "area",
     "Bà Rịa - Vũng Tàu"),
    ("Chỉ số PAR INDEX xếp 9/63 tỉnh, thành phố.", "2020-09-01", "baobariavungtau.com.vn", "9/63", "value_kind", "other"),
    # a body's name is a unit of a breakdown, not what is measured
    ("Tỷ lệ hồ sơ trực tuyến của các bộ, ngành đạt 61%. Trong đó, Bộ Công Thương đạt 99,7%, Bộ Tư pháp đạt 95,2%.",
     "2024-07-01", "vnexpress.net", "95,2%", "indicator", "online_applications_rate"),
    # "Thủ đô" is Hà Nội on any site
    ("Toàn Thủ đô hiện có 95% hộ dân sử dụng nước sạch.", "2024-05-01", "vnexpress.net", "95%", "area", "Hà Nội"),
    ("Toàn Thủ đô hiện có 95% hộ dân sử dụng nước sạch.", "2024-05-01", "vnexpress.net", "95%", "subject",
     "hộ dân sử dụng nước sạch"),
    # a count's own bracketed share, after a comma, is the share of what it counts
    ("Tỷ lệ nghèo đa chiều là 5,22%. Trong đó, 10.600 hộ nghèo, chiếm tỷ lệ 2,63% và 10.461 hộ cận nghèo, (2,59%).",
     "2024-02-01", "baodongkhoi.vn", "2,59%", "indicator", "near_poor_household_rate"),
    ("Tỷ lệ nghèo đa chiều là 5,22%. Trong đó, 10.600 hộ nghèo, chiếm tỷ lệ 2,63% và 10.461 hộ cận nghèo, (2,59%).",
     "2024-02-01", "baodongkhoi.vn", "2,63%", "indicator", "poor_household_rate"),
    # "(tính đến 30/6/2021)" dates the figure; a bracket of another kind would stay an aside
    ("Năm học 2020 - 2021, số trường đạt chuẩn quốc gia (tính đến 30/6/2021) là 516/689 trường, tỷ lệ 74,9%.",
     "2022-08-08", "baolamdong.vn", "74,9%", "as_of_end", "2021-06-30"),
    # public schools are a part of the schools
    ("Tính đến tháng 6/2022 tỷ lệ trường mầm non và phổ thông công lập đạt chuẩn quốc gia là 495/607 trường, đạt 81,55%.",
     "2022-08-08", "baolamdong.vn", "81,55%", "area_part", "trường công lập"),
    # the level a goal starts from is where things stand
    ("Phấn đấu giảm tỷ lệ hộ nghèo từ 4,2% xuống còn 3% vào năm 2025.", "2023-02-01", "", "4,2%", "modality", "actual"),
]


def test_bare_districts_of_a_list_of_districts_keep_the_lists_admin_word():
    # "Hòa Thành" became a town in 2020; "Châu Thành" is a district name ten provinces share
    f = figures("Ngoài ra, các huyện khác có xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 3, đó là: Hòa Thành 6/8 xã, "
                "Gò Dầu 5/9 xã, Châu Thành 5/15 xã.", "2016-10-01", "baotayninh.vn")
    assert [f[x].area for x in ("6/8", "5/9", "5/15")] == ["huyện Hòa Thành", "huyện Gò Dầu", "huyện Châu Thành"]


def test_hiện_after_a_years_change_is_that_years_end_in_its_review():
    f = figures("Tỷ lệ hộ nghèo năm 2019 giảm 1,55%, hiện còn 2,73%.", "2020-02-25", "baodongthap.vn")
    assert f["2,73%"].as_of_end == "2019-12-31"
    f = figures("Năm 2015 tỷ lệ hộ nghèo là 10%, hiện còn 3%.", "2020-02-25", "baodongthap.vn")
    assert f["3%"].as_of_end == "2020-02-25"  # a level then, a level now


def test_a_bracket_giving_the_days_of_a_quarter_dates_its_figures():
    f = figures("Trong quý I năm 2020 (tính từ 1/12/2019 đến 29/2/2020) toàn tỉnh đã tiếp nhận 659.245 hồ sơ, trong đó "
                "số hồ sơ giải quyết đúng hạn có 635.593 hồ sơ, chiếm tỷ lệ 98,81%.", "2020-03-10", "lamdong.gov.vn")
    assert f["98,81%"].as_of_end == "2020-02-29"


def test_a_communes_paragraph_and_a_districts_headline():
    f = figures("Theo báo cáo đánh giá, xã Thạch Khoán đạt 19/19 tiêu chí nông thôn mới. Kết quả thực hiện một số tiêu "
                "chí đạt mức cao như: tỷ lệ cứng hóa đạt 85% yêu cầu.", "2024-11-01", "baophutho.vn",
                "Thanh Sơn có thêm 1 xã đạt chuẩn nông thôn mới")
    assert f["85%"].area == "xã Thạch Khoán"
    f = figures("Toàn huyện có 218.532 người tham gia, bằng 94,7% số dân toàn huyện. Một số xã đạt trên 99% như Thái Sơn "
                "và Thị trấn Thắng.", "2020-12-10", "hiephoanet.vn", "Hiệp Hòa hơn 94% số dân tham gia Bảo hiểm y tế")
    assert f["94,7%"].area == "huyện Hiệp Hòa"


def test_all_63_provinces_is_national_and_an_assigned_targets_list_is_no_count_of_targets():
    f = figures("Theo đó, đến năm 2020, tất cả 63 tỉnh, thành phố đều được giao chỉ tiêu bao phủ bảo hiểm y tế đạt trên 90%. "
                "Trong đó, Lạng Sơn được giao chỉ tiêu cụ thể: năm 2016: 89,0%; năm 2017: 90,0%.", "2016-07-01",
                "baolangson.vn")
    assert f["90%"].area == "cả nước"
    assert f["89,0%"].indicator != "programme_targets_met" and f["90,0%"].indicator != "programme_targets_met"


def test_the_level_a_change_over_years_starts_from_is_of_their_first():
    f = figures("Từ năm 2016 - 2019, tỷ lệ hộ nghèo trong các hộ đồng bào dân tộc thiểu số toàn tỉnh giảm từ 50,41% "
                "xuống còn 19,59%.", "2020-05-01", "baoyenbai.com.vn")
    assert (f["50,41%"].as_of_end, f["19,59%"].as_of_end) == ("2016-12-31", "2019-12-31")


def test_a_list_item_after_a_semicolon_names_its_own_part():
    f = figures("Trong đó, doanh nghiệp trong nước ước đạt 258,76 triệu USD, tăng 0,11% so với cùng kỳ năm trước, chiếm 60% kim "
                "ngạch xuất khẩu toàn tỉnh; doanh "
                "nghiệp có vốn đầu tư nước ngoài ước đạt 172,51 triệu USD, giảm 3,1% so cùng kỳ năm trước, chiếm 40% kim ngạch "
                "xuất khẩu toàn tỉnh.", "2023-06-30", "baolamdong.vn")
    assert (f["60%"].area_part, f["40%"].area_part) == ("khu vực kinh tế trong nước", "khu vực có vốn đầu tư nước ngoài")


def test_a_shares_whole_after_it_is_its_denominator_not_the_whole_area():
    f = figures("Trong đó, doanh nghiệp trong nước ước đạt 258,76 triệu USD, chiếm 60% kim ngạch xuất khẩu toàn tỉnh.",
                "2023-06-30", "baolamdong.vn")
    assert f["60%"].area_part == "khu vực kinh tế trong nước"


def test_a_target_after_a_days_report_is_the_years_plan():
    f = figures("Tính đến ngày 30/9/2018, toàn tỉnh có 630.000 người tham gia BHYT, đạt 80,1% dân số. Để thực hiện đạt chỉ "
                "tiêu 82,5% dân số tham gia BHYT, ngành BHXH tiếp tục đẩy mạnh công tác tuyên truyền.", "2018-10-10",
                "baohaugiang.com.vn")
    assert (f["80,1%"].as_of_end, f["82,5%"].modality, f["82,5%"].as_of_end) == ("2018-09-30", "target", "2018-12-31")


def test_an_undated_articles_goal_horizon_dates_none_of_its_results():
    f = figures("Theo Trung tâm Nước sạch tỉnh Sóc Trăng, tỷ lệ hộ dân nông thôn sử dụng nước sinh hoạt hợp vệ sinh đạt "
                "99,65%.\n\nMục tiêu đến năm 2030, tỷ lệ hộ dân nông thôn sử dụng nước sạch đạt 80%. Đến năm 2030, 100% hộ "
                "dân có nước hợp vệ sinh.", None, "baosoctrang.org.vn")
    assert f["80%"].as_of_end == "2030-12-31" and f["99,65%"].as_of_end in ("", None)


def test_a_congress_named_in_the_headline_dates_no_figure():
    f = figures("Bậc học mầm non huy động hàng năm đạt 100%.", "2020-08-15", "baolamdong.vn",
                "Chào mừng Đại hội đại biểu Đảng bộ huyện Lạc Dương lần thứ XI, nhiệm kỳ 2020 - 2025: Bức tranh giáo dục")
    assert (f["100%"].modality, f["100%"].as_of_end) == ("actual", "2020-08-15")


def test_a_result_after_a_forecast_for_years_to_come_is_of_now():
    f = figures("Theo dự báo, giai đoạn 2022-2025, tỷ lệ hộ nghèo sẽ tăng lên 6,06%. Tuy nhiên, kết quả thống kê sơ bộ, "
                "hộ thuộc diện nghèo chỉ hơn 3%.", "2021-12-10", "baodongthap.vn")
    assert (f["6,06%"].modality, f["3%"].modality, f["3%"].as_of_end) == ("target", "actual", "2021-12-10")


def test_a_count_of_units_of_a_kind_is_not_the_headlines_indicator():
    f = figures("Tỉnh có 01 huyện nghèo, 145/151 xã thuộc vùng dân tộc thiểu số và miền núi, chiếm 96% tổng số xã.",
                "2024-01-03", "baohoabinh.com.vn", "Hòa Bình thực hiện công tác giảm nghèo bền vững")
    assert f["145/151"].indicator == f["96%"].indicator == ""


@pytest.mark.parametrize(("text", "published", "site", "figure", "attribute", "expected"), ONE_ATTRIBUTE)
def test_one_attribute(text, published, site, figure, attribute, expected):
    assert getattr(figures(text, published, site)[figure], attribute) == expected


def test_a_baseline_is_not_the_as_of():
    f = figures("Tỷ lệ lao động qua đào tạo năm 2024 đạt 70%, tăng 5% so với năm 2020.", "2025-03-01")
    assert f["70%"].as_of_end == f["5%"].as_of_end == "2024-12-31"


def test_area_from_the_headline():
    f = figures("Toàn tỉnh hiện còn 4,3% hộ nghèo.", "2024-06-15", "vietnamplus.vn", title="Nghệ An: giảm nghèo bền vững")
    assert (f["4,3%"].area, f["4,3%"].area_basis) == ("Nghệ An", "inherited")


def test_rankings_do_not_make_the_area_national():
    f = figures("Tỷ lệ hộ nghèo của tỉnh thấp nhất cả nước, chỉ còn 0,5%.", "2024-06-15", "baobacninh.vn")
    assert f["0,5%"].area == "Bắc Ninh" and "cả nước" not in f["0,5%"].subject
    g = figures("Tỉnh đứng thứ 3 cả nước với tỷ lệ 98% hồ sơ trực tuyến.", "2024-06-15", "baobacninh.vn")
    assert (g["98%"].area, g["98%"].value_kind) == ("Bắc Ninh", "level")


def test_all_provinces_is_national():
    f = figures("Đến nay 63/63 tỉnh, thành phố đã kết nối.", "2024-06-15", "baobacninh.vn")
    assert f["63/63"].area == "cả nước"


def test_places_without_their_admin_word():
    f = figures("Điện Biên có tỷ lệ hộ nghèo cao nhất, 25,6%.", "2024-06-15", "vietnamplus.vn")
    assert (f["25,6%"].area, f["25,6%"].indicator) == ("Điện Biên", "poor_household_rate")
    assert figures("TPHCM có tỷ lệ thất nghiệp 2,5%.", "2024-06-15")["2,5%"].area == "TP Hồ Chí Minh"


def test_relative_times_resolve_against_publication_and_count_as_stated():
    f = figures("GRDP năm ngoái tăng 7,2%.", "2024-03-01", "baonghean.vn")
    assert (f["7,2%"].as_of_end, f["7,2%"].time_basis) == ("2023-12-31", "stated")
    g = figures("Quý trước, tỷ lệ giải ngân vốn đầu tư công đạt 45%.", "2024-07-10")
    assert (g["45%"].as_of_start, g["45%"].as_of_end) == ("2024-04-01", "2024-06-30")


def test_sub_populations():
    f = figures("Tỷ lệ thất nghiệp của thanh niên khu vực thành thị là 9%.", "2024-06-15", "vietnamplus.vn")
    assert (f["9%"].indicator, f["9%"].area_part) == ("unemployment_rate", "thanh niên khu vực thành thị")
    g = figures("Tỷ lệ dân số nông thôn sử dụng nước hợp vệ sinh: 97%.", "2024-06-15", "baothuathienhue.vn")
    assert (g["97%"].indicator, g["97%"].area_part, g["97%"].area) == ("hygienic_water_rate", "khu vực nông thôn", "Huế")


@pytest.mark.parametrize(("text", "published", "figure", "modality"), [
    ("Tỷ lệ thất nghiệp năm 2022 là 3,2%.", "2023-02-01", "3,2%", "actual"),
    ("Tỷ lệ hộ nghèo ước đạt 1,5%.", "2024-12-01", "1,5%", "actual"),
    ("Tỷ lệ hồ sơ trực tuyến chưa đạt 100%.", "2024-06-15", "100%", "target"),
    ("Phấn đấu đến năm 2030 tỷ lệ đô thị hóa đạt 50%.", "2025-06-01", "50%", "target"),
    ("Năm nay, thành phố dự kiến hoàn thành 18/23 chỉ tiêu.", "2024-11-20", "18/23", "actual"),
])
def test_actuals_stated_plainly_and_targets(text, published, figure, modality):
    assert figures(text, published)[figure].modality == modality


def test_look_alike_indicators_each_figure_its_own():
    f = figures("Toàn tỉnh có 13.800 hộ nghèo (chiếm 2,1%) và 14.400 hộ cận nghèo (chiếm 2,2%).", "2024-06-15")
    assert (f["2,1%"].indicator, f["2,2%"].indicator) == ("poor_household_rate", "near_poor_household_rate")
    assert figures("Số người hưởng trợ cấp thất nghiệp tăng 12%.")["12%"].indicator == "unemployment_benefit"
    assert figures("Số thu BHYT đạt 89% kế hoạch.")["89%"].indicator == "social_insurance_revenue"
    assert figures("Tỷ lệ thất nghiệp giảm 0,4 điểm phần trăm.")["0,4 điểm phần trăm"].value_kind == "change"


def test_thresholds_measure_no_indicator():
    f = figures("Hộ có mức thu nhập từ 15% đến dưới 25% được hỗ trợ.")
    assert [(f[k].value_kind, f[k].indicator) for k in ("15%", "25%")] == [("other", ""), ("other", "")]


def test_an_undated_article_takes_its_year_from_the_same_period_it_compares_with():
    f = figures("6 tháng đầu năm, chỉ số sản xuất công nghiệp tăng 14,6% so với cùng kỳ năm 2024.")
    assert (f["14,6%"].as_of_start, f["14,6%"].as_of_end) == ("2025-01-01", "2025-06-30")


def test_a_headline_figure_takes_the_time_of_the_body_figure_it_repeats():
    text = "87% dân số sử dụng nước sạch\nĐến hết năm 2017, 87% dân số của tỉnh sử dụng nước sạch."
    article = Article(id="h", url=None, title="", published="2018-03-21", source="baothuathienhue.vn",
                      fetched_at=None, text=text)
    headline, body = sorted((f for f in extract_facts(article, book()) if f.kind == "percent"), key=lambda f: f.start)
    assert headline.as_of_end == body.as_of_end == "2017-12-31"
    assert (headline.time_basis, body.time_basis) == ("inherited", "stated")


def test_a_component_of_a_total_is_not_the_total_and_twins_follow_the_area():
    f = figures("GRDP của tỉnh Nghệ An tăng 7,2%, trong đó khu vực dịch vụ tăng 6,1%.", "2024-07-01")
    assert (f["7,2%"].indicator, f["6,1%"].indicator) == ("grdp_growth", "")
    g = figures("Năm 2024, tăng trưởng kinh tế cả nước đạt 7,09%.", "2025-01-06")
    assert g["7,09%"].indicator == "gdp_growth"


def test_a_breakdown_sentence_measures_what_the_sentence_before_measured():
    f = figures("Tỷ lệ che phủ rừng toàn tỉnh đạt 61,37%. Trong đó, huyện Bát Xát đạt 59,6%.", "2025-07-17",
                "baolaocai.vn")
    assert f["59,6%"].indicator == "forest_cover_rate"


def test_a_part_set_before_the_clause_covers_the_figure():
    f = figures("Ở khu vực nông thôn, tỷ lệ hộ sử dụng nước hợp vệ sinh đạt 98%.", "2024-07-01", "baolaocai.vn")
    assert f["98%"].area_part == "khu vực nông thôn"


def test_a_district_article_gives_its_figures_the_district():
    f = figures("Di Linh phấn đấu đạt tỷ lệ bao phủ BHYT toàn dân\nBan chỉ đạo huyện Di Linh cho biết, đến nay "
                "tỷ lệ bao phủ BHYT toàn huyện đạt 82%. Tỷ lệ hộ nghèo còn 3,5%.", "2018-03-22", "baolamdong.vn")
    assert (f["82%"].area, f["3,5%"].area) == ("huyện Di Linh", "huyện Di Linh")


def test_numbered_districts_and_abbreviated_towns():
    f = figures("UBND quận 12 cho biết tỷ lệ hồ sơ trực tuyến đạt 95%. TX. Phú Mỹ có 100% xã đạt chuẩn nông thôn mới.",
                "2023-02-23", "nld.com.vn")
    assert (f["95%"].area, f["100%"].area) == ("quận 12", "thị xã Phú Mỹ")


def test_a_place_name_stops_where_a_persons_name_begins():
    f = figures("Theo Sở Y tế thành phố Hà Nội Nguyễn Ngọc Hà, tỷ lệ tiêm chủng đạt 98%.", "2024-05-01")
    assert f["98%"].area == "Hà Nội"


def test_a_breakdown_item_is_measured_as_its_total():
    f = figures("Tỷ lệ có việc làm sau tốt nghiệp đạt 80,9% (trình độ cao đẳng 96,1%, trung cấp đạt 95,4%).",
                "2022-06-01", "baonghean.vn")
    for figure, level in (("96,1%", "trình độ cao đẳng"), ("95,4%", "trình độ trung cấp")):
        assert "có việc làm sau tốt nghiệp" in f[figure].subject
        assert f[figure].area_part == level
    g = figures("Toàn tỉnh còn 13.800 hộ nghèo (chiếm 2,1%) và 14.400 hộ cận nghèo (chiếm 2,2%).", "2024-01-05",
                "baonghean.vn")
    assert (g["2,1%"].indicator, g["2,2%"].indicator) == ("poor_household_rate", "near_poor_household_rate")


def test_a_school_year_runs_september_to_august_and_a_plan_after_a_slash_is_a_target():
    f = figures("Năm học 2017 - 2018, tỷ lệ trẻ 5 tuổi đi học mẫu giáo đạt 99,5%.", "2018-09-10", "baohaiduong.vn")
    assert (f["99,5%"].as_of_start, f["99,5%"].as_of_end) == ("2017-09-01", "2018-08-31")
    g = figures("Khu vực công nghiệp và xây dựng ước tăng 10,85%/KH tăng 7,5-8,5%.", "2022-12-20", "baoquangtri.vn")
    assert (g["10,85%"].modality, g["7,5-8,5%"].modality) == ("actual", "target")


def test_section_headings_name_the_province_and_the_headline_the_indicator():
    text = ("Tỷ lệ tốt nghiệp THPT 2017 nhiều tỉnh thành đạt 99%\nHà Nội: 98,49%\nTheo Sở GD-ĐT, tỷ lệ của toàn "
            "thành phố đạt 98,49%.\nNam Định: 99,53%\nToàn tỉnh có 45/73 đơn vị đạt 100%.")
    article = Article(id="s", url=None, title="", published="2017-07-14", source="baotayninh.vn", fetched_at=None,
                      text=text)
    facts = [f for f in extract_facts(article, book()) if f.kind in ("percent", "fraction")]
    heading = next(f for f in facts if f.text == "98,49%" and f.sentence.startswith("Hà Nội"))
    assert (heading.area, heading.indicator) == ("Hà Nội", "graduation_rate")
    assert next(f for f in facts if f.text == "45/73").area == "Nam Định"


def test_respectively_gives_each_figure_its_own_item():
    """'lần lượt': the i-th figure is the i-th listed thing's: indicator, sub-area or place."""
    f = figures("Quý I/2021, tỷ lệ thất nghiệp và thiếu việc làm của lực lượng lao động lần lượt là 2,42% và 2,20%.",
                "2021-04-10")
    assert (f["2,42%"].indicator, f["2,20%"].indicator) == ("unemployment_rate", "underemployment_rate")
    g = figures("Tỷ lệ đi học đúng tuổi ở các cấp tiểu học, trung học cơ sở, THPT lần lượt là 95,7%, 91,6% và 80%.",
                "2024-06-15")
    assert [g[x].area_part for x in ("95,7%", "91,6%", "80%")] == [
        "cấp tiểu học", "cấp trung học cơ sở", "cấp trung học phổ thông"]
    assert g["80%"].subject == "đi học đúng tuổi"
    h = figures("Dẫn đầu là Trà Vinh, Khánh Hòa với mức tăng trưởng GRDP lần lượt là 13,93% và 12,4%.", "2024-01-05")
    assert (h["13,93%"].area, h["12,4%"].area) == ("Trà Vinh", "Khánh Hòa")
    # a list of another length than the figures' changes nothing
    k = figures("Nhóm nông sản, thủy sản và nhóm nhiên liệu lần lượt giảm 9,9% và 45,5%.", "2024-01-05")
    assert k["9,9%"].area_part == k["45,5%"].area_part == ""


def test_district_reports_without_the_district_in_the_headline():
    """The district of a district report: a bare name in the headline, the body's one district when
    it says 'toàn huyện', or the article's address; a province that assigns a plan is not the area."""
    text = ("Tổng kết năm 2022\nUBND huyện Hoằng Hóa cho biết, toàn huyện có 31/32 xã đạt chuẩn nông thôn mới; "
            "thu ngân sách đạt 121% so với dự toán tỉnh giao.")
    f = figures(text, "2022-12-19", "baothanhhoa.vn")
    assert f["31/32"].area == f["121%"].area == "huyện Hoằng Hóa"
    article = Article(id="u", url="https://baonghean.vn/huyen-quynh-luu-tong-ket-nam-2021-301367.html", title="",
                      published="2022-01-05", source="baonghean.vn", fetched_at=None,
                      text="Năm 2021, kinh tế tăng trưởng 7,36%; 30/32 xã đạt chuẩn nông thôn mới.")
    facts = {x.text: x for x in extract_facts(article, book()) if x.kind in ("percent", "fraction")}
    assert facts["30/32"].area == "huyện Quỳnh Lưu"
    g = figures("Tại thị xã Sa Pa (Lào Cai), mức giảm tỷ lệ hộ nghèo đạt 7,76%.", "2024-01-05", "vietnamnet.vn")
    assert g["7,76%"].area == "thị xã Sa Pa" and g["7,76%"].value_kind == "change"


def test_an_article_without_headline_takes_the_province_its_address_names():
    article = Article(id="v", url="https://kinhtenongthon.vn/Nam-2024-Soc-Trang-phan-dau-co-them-hai-huyen-dat-chuan-NTM-post59904.html",
                      title="", published="2024-01-05", source="kinhtenongthon.vn", fetched_at=None,
                      text="Năm 2023, tốc độ tăng trưởng kinh tế của tỉnh ước đạt 5,77%.")
    facts = {x.text: x for x in extract_facts(article, book()) if x.kind == "percent"}
    assert facts["5,77%"].area == "Sóc Trăng"
    titled = Article(id="w", url=article.url, title="Kinh tế nông thôn cả nước", published="2024-01-05",
                     source="kinhtenongthon.vn", fetched_at=None, text="Năm 2023, tỷ lệ hộ nghèo còn 2,9%.")
    assert [x.area for x in extract_facts(titled, book()) if x.kind == "percent"] != ["Sóc Trăng"]


def test_the_same_period_a_year_before_is_the_figures_time_unless_compared_with():
    f = figures("Quý I/2024, GRDP của Bắc Giang tăng 14,18%. Đây là mức tăng trưởng rất ấn tượng vì cùng kỳ năm 2023, "
                "GRDP của Bắc Giang chỉ tăng hơn 6,6%. Thanh Hóa đạt mức tăng 13,15%.", "2024-04-10", "baobacgiang.vn")
    assert (f["14,18%"].as_of_end, f["6,6%"].as_of_end, f["13,15%"].as_of_end) == ("2024-03-31", "2023-03-31", "2024-03-31")
    g = figures("Quý I/2024 thu ngân sách bằng 95% so với cùng kỳ năm 2023.", "2024-04-10", "baobacgiang.vn")
    assert g["95%"].as_of_end == "2024-03-31"


def test_a_predicate_after_a_figure_says_what_it_counts():
    f = figures("Có 97% dân tham gia BHYT, hơn 74,5% được sử dụng nước sinh hoạt hợp vệ sinh, hơn 80% được sử dụng điện.",
                "2024-06-15", "baodienbienphu.info.vn")
    assert f["74,5%"].indicator == "hygienic_water_rate" and "nước sinh hoạt hợp vệ sinh" in f["74,5%"].subject
    assert (f["80%"].indicator, f["80%"].subject) == ("", "được sử dụng điện")


def test_names_that_are_not_places():
    """A person after 'UBND tỉnh', an acronym after 'huyện', the national average compared with."""
    f = figures("Phó Chủ tịch UBND tỉnh Trần Văn Lâu cho biết, tỷ lệ hộ nghèo toàn tỉnh còn 2,1%.", "2024-01-05",
                "baosoctrang.org.vn")
    assert f["2,1%"].area == "Sóc Trăng"
    g = figures("Năm 2023, Sóc Trăng có 11 chỉ tiêu đạt 100% nghị quyết, tốc độ tăng trưởng kinh tế cao hơn bình quân "
                "của cả nước.", "2024-01-05", "kinhtenongthon.vn")
    assert g["100%"].area == "Sóc Trăng"
    h = figures("Tỷ lệ hộ nghèo huyện Cư M'gar còn 7,3%.", "2024-01-05", "baodaklak.vn")
    assert h["7,3%"].area == "huyện Cư M'gar"


def test_a_sentence_opening_on_the_one_before_keeps_its_indicator():
    f = figures("Năm nay, tỷ lệ tốt nghiệp THPT của Nghệ An đạt 99,6%. Tỷ lệ này cao hơn mức trung bình chung "
                "của cả nước (98,88%) và cao hơn so với năm 2022 (99,51%).", "2023-07-20")
    assert f["98,88%"].indicator == f["99,51%"].indicator == "graduation_rate"
    assert (f["99,51%"].value_kind, f["99,51%"].as_of_end) == ("level", "2022-12-31")  # the baseline year's level


def test_list_items_naming_no_measure_keep_the_items_indicator():
    f = figures("Đối tượng từ 18 tuổi trở lên: đã tiêm vắc xin phòng COVID-19 mũi 1 đạt 99,59%; mũi 2 đạt 98,62%.", "2022-08-10")
    assert f["99,59%"].indicator == f["98,62%"].indicator == "vaccination_rate"
    f = figures("Chỉ số sản xuất ngành xử lý rác thải, nước thải tăng 9,1%; ngành khai khoáng giảm 1,1%.", "2024-01-10")
    assert f["1,1%"].indicator == ""  # a sector's own figure


def test_a_goal_opening_the_sentence_governs_every_clause():
    f = figures("Mục tiêu năm 2024, toàn tỉnh giải quyết việc làm mới cho trên 22.500 lao động, nâng tỷ lệ lao động "
                "qua đào tạo lên 69,5%, trong đó tỷ lệ có bằng, chứng chỉ đạt 28%.", "2024-01-10")
    assert f["69,5%"].modality == f["28%"].modality == "target"
    f = figures("Tỉnh phấn đấu giảm nghèo bền vững; kết quả đến nay tỷ lệ hộ nghèo còn 3,1%.", "2024-03-01")
    assert f["3,1%"].modality == "actual"


def test_list_items_without_a_verb_take_the_change_before_them():
    f = figures("GRDP 9 tháng tăng 9,1%; trong đó công nghiệp - xây dựng tăng 18,2%; dịch vụ 11,86%.", "2024-10-05")
    assert f["11,86%"].value_kind == "change"
    f = figures("Tỷ lệ giải ngân vốn đầu tư công của tỉnh đạt 33,57%, cả nước mới giải ngân đạt 23,25%.", "2023-06-05")
    assert f["33,57%"].value_kind == f["23,25%"].value_kind == "share_of_plan"


def test_a_province_word_in_an_article_of_no_known_province_is_not_the_country():
    f = figures("Theo báo cáo, 6 tháng đầu năm, toàn tỉnh giải quyết việc làm mới cho 4.348 lao động "
                "(đạt 50,8% kế hoạch năm).",
                "2020-07-01", "unknownsite.vn")
    assert f["50,8%"].area == ""
    f = figures("Toàn tỉnh giải quyết việc làm mới cho 4.348 lao động, đạt 50,8% kế hoạch năm.", "2020-07-01",
                "baodienbienphu.com.vn")  # the province's paper, named after its capital
    assert f["50,8%"].area == "Điện Biên"


def test_a_bracket_right_after_a_period_holds_that_periods_figure():
    f = figures("9 tháng năm 2020, IIP tăng 7,32% so với cùng kỳ năm trước, cao hơn mức tăng của quý II (2,09%) "
                "và thấp hơn quý I (8,65%).", "2020-10-05")
    assert (f["2,09%"].as_of_end, f["8,65%"].as_of_end) == ("2020-06-30", "2020-03-31")
    assert f["7,32%"].as_of_end == "2020-09-30"
    f = figures("Thu nhập năm 2024 tăng 9,1%, cao hơn tốc độ tăng của năm 2023 so với năm 2022 (6,2%).", "2025-01-10")
    assert f["6,2%"].as_of_end == "2023-12-31"  # the change over 2022 is of 2023


def test_no_subject_from_a_comparison_a_part_or_a_denominator():
    f = figures("GDP quý III ước tăng 8,23%. Mức tăng trưởng này chỉ thấp hơn mức tăng 14,38% của cùng kỳ năm 2022.",
                "2025-10-06")
    assert f["14,38%"].subject != "thấp hơn mức"
    f = figures("Đến hết năm 2019, toàn tỉnh còn 43.048 hộ nghèo, chiếm 33,05% tổng số hộ dân cư.", "2020-01-10")
    assert f["33,05%"].subject == "hộ nghèo"


def test_a_share_followed_by_la_names_what_it_is_a_share_of():
    f = figures("Đã có 5.361 chủ thể OCOP; trong đó, có 38,1% là hợp tác xã, 24,2% là doanh nghiệp.", "2024-06-01")
    assert (f["38,1%"].subject, f["24,2%"].subject) == ("hợp tác xã", "doanh nghiệp")


def test_a_paragraph_that_moves_on_in_time_dates_what_follows_by_its_last_period():
    f = figures("Năm 2010 tỷ lệ hộ nghèo là 50%, đến năm 2014, tỷ lệ hộ nghèo chỉ còn 31%. "
                "Điều kiện sống được cải thiện, có 97% dân tham gia BHYT.", "2015-03-01")
    assert (f["50%"].as_of_end, f["31%"].as_of_end, f["97%"].as_of_end) == ("2010-12-31", "2014-12-31", "2014-12-31")
    f = figures("Năm 2023 tỷ lệ hộ nghèo là 2%, phấn đấu đến năm 2025 còn 1%. Có 97% dân tham gia BHYT.", "2024-03-01")
    assert f["97%"].as_of_end == "2023-12-31"  # a goal's horizon is not where the story went


def test_a_figure_coordinated_after_another_figures_period_is_of_the_same_kind():
    f = figures("GRDP quý 3 ước tăng 8,59% so với cùng kỳ năm 2023, cao hơn mức tăng 2,49% của quý I và 8,09% "
                "của quý 2.", "2024-10-05", "baodanang.vn")
    assert (f["2,49%"].value_kind, f["8,09%"].value_kind) == ("change", "change")
    assert f["8,09%"].as_of_end == "2024-06-30"


def test_the_whole_province_is_the_province_the_sentence_names():
    f = figures("Tỷ lệ đỗ tốt nghiệp của Sơn La là 71,97%.\nTại Hà Giang, ông Nguyễn Thế Bình, Phó giám đốc Sở GD-ĐT, "
                "cho biết tỷ lệ đỗ của toàn tỉnh là 71,96%.", "2019-07-10", "thanhnien.vn")
    assert (f["71,97%"].area, f["71,96%"].area) == ("Sơn La", "Hà Giang")


def test_a_bracketed_target_of_a_fall_is_a_change():
    f = figures("Tỷ lệ hộ nghèo năm 2022 là 4,03%, giảm 1,17%, đạt chỉ tiêu Quốc hội giao (từ 1-1,5%).", "2023-08-11")
    assert (f["từ 1-1,5%"].value_kind, f["từ 1-1,5%"].modality) == ("change", "target")
    f = figures("Tỷ lệ BHYT mới đạt 86,25%, thấp hơn 5,25% so với chỉ tiêu được giao (91,5%).", "2022-11-01")
    assert (f["91,5%"].value_kind, f["91,5%"].modality) == ("level", "target")


def test_a_compound_ending_in_a_cue_word_and_framing_words_do_not_hide_the_subject():
    f = figures("Tổng mức bán lẻ hàng hóa ước đạt trên 63.000 tỷ đồng, tăng hơn 23%; du lịch ghi nhận 1,91 triệu lượt "
                "khách, doanh thu tăng 36% so với cùng kỳ.", "2024-07-05")
    assert f["36%"].subject == "doanh thu"
    f = figures("Lao động có việc làm khu vực dịch vụ chiếm tỷ lệ cao nhất, gần 41%; tiếp đến là công nghiệp và xây dựng "
                "chiếm 33%.", "2024-07-05")
    assert f["33%"].subject == "công nghiệp và xây dựng"


def test_a_bare_verb_before_a_count_names_nothing_the_count_does():
    f = figures("Cũng trong 3 tháng qua, TP.Cần Thơ đón trên 1,6 triệu lượt du khách, tăng 4% so cùng kỳ năm trước.",
                "2025-04-05", "baocantho.com.vn")
    assert (f["4%"].subject, f["4%"].area, f["4%"].indicator) == ("lượt du khách", "Cần Thơ", "tourist_arrivals")
    f = figures("Giải quyết việc làm cho 99.000 lao động, tăng 12% so với cùng kỳ.", "2024-12-20")
    assert f["12%"].subject == "Giải quyết việc làm"


def test_a_bracket_after_a_count_is_what_the_count_did():
    f = figures("Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới, đến tháng 1-2025, cả nước đã có "
                "6.250/8.014 xã (78%) đạt chuẩn nông thôn mới và 550 xã (8,8%) đạt chuẩn nông thôn mới kiểu mẫu.",
                "2025-02-10")
    assert (f["78%"].modality, f["8,8%"].modality) == ("actual", "actual")
    assert (f["8,8%"].subject, f["8,8%"].indicator) == ("xã đạt chuẩn nông thôn mới kiểu mẫu", "communes_model_new_rural")


def test_a_count_of_provinces_is_a_part_of_the_country():
    f = figures("Ngoài ra, 16 tỉnh có 100% số xã đạt chuẩn nông thôn mới.", "2022-07-10", "baonamdinh.vn")
    assert (f["100%"].area, f["100%"].area_part) == ("cả nước", "16 tỉnh")


def test_the_whole_district_is_the_district_named_last():
    f = figures("Quyết định công nhận huyện Nam Đàn (Nghệ An) và huyện Duy Tiên (Hà Nam) đạt chuẩn nông thôn mới.\n\n"
                "Huyện Nam Đàn có 23/23 xã (100%) đạt chuẩn. Tỉ lệ hộ nghèo trên địa bàn toàn huyện năm 2017 là 3,16%.\n\n"
                "Huyện Duy Tiên có 16/16 (100%) xã đạt chuẩn.\n\nTỉ lệ hộ nghèo khu vực nông thôn của huyện còn 1,41%.",
                "2018-02-01", "plo.vn")
    assert (f["3,16%"].area, f["1,41%"].area) == ("huyện Nam Đàn", "huyện Duy Tiên")


def test_an_aside_in_brackets_does_not_cut_the_noun_phrase():
    f = figures("Tỷ lệ huy động trẻ mẫu giáo (3-5 tuổi) đi học đạt gần 97% (tăng 0,6% so với năm học 2020-2021).",
                "2022-09-05", "baolaocai.vn")
    assert f["97%"].subject.startswith("huy động trẻ mẫu giáo")
    assert (f["97%"].indicator, f["0,6%"].value_kind) == ("enrolment_rate", "change")
    f = figures("Chỉ số giá tiêu dùng (CPI) tháng 5 tăng 0,3% so với tháng trước.", "2024-06-01")
    assert f["0,3%"].subject == "Chỉ số giá tiêu dùng (CPI)"


def test_a_cue_word_inside_a_place_name_is_no_cue():
    f = figures("Quý 1/2025, TP.Cần Thơ có tổng sản phẩm trên địa bàn (GRDP) tăng 7,15% so với cùng kỳ năm trước. "
                "Trong 3 tháng đầu năm 2025, chỉ số sản xuất công nghiệp của TP.Cần Thơ tăng hơn 6,7% so cùng kỳ.",
                "2025-04-10", "baocantho.com.vn")
    assert (f["7,15%"].modality, f["6,7%"].modality) == ("actual", "actual")


def test_what_a_place_has_is_measured_and_a_national_ranking_is_not_the_area():
    f = figures("Dẫn đầu về tăng trưởng GRDP là Bắc Giang với mức tăng trưởng đạt 14,18%, là địa phương có chỉ số sản "
                "xuất công nghiệp (IIP) quý I cao nhất trong cả nước với mức tăng 23,9% so cùng kỳ.", "2024-04-10")
    assert (f["23,9%"].indicator, f["23,9%"].area) == ("industrial_production_index", "Bắc Giang")


def test_a_signed_figure_is_a_change_and_keeps_its_sign():
    f = figures("Trong tháng 4/2024, tỉnh Bạc Liêu ghi nhận giảm 22,7% YoY về trị giá hàng hóa xuất khẩu; tiếp đến là "
                "tỉnh Cà Mau với -10,5% YoY; tỉnh Kiên Giang với -8,7% YoY. Sóc Trăng có mức tăng cao nhất với +40% YoY.",
                "2024-05-10")
    assert (f["-10,5%"].value, f["-10,5%"].value_kind, f["+40%"].value_kind) == (-10.5, "change", "change")
    assert (f["-10,5%"].indicator, f["-10,5%"].subject, f["-10,5%"].area) == ("exports", "xuất khẩu", "Cà Mau")
    f = figures("Tỷ lệ hộ nghèo giảm bình quân 3-4% mỗi năm.", "2024-05-10")
    assert (f["3-4%"].value, f["3-4%"].value_max) == (3.0, 4.0)


def test_the_largest_rise_named_is_a_change_of_what_follows_la():
    f = figures("Các nhóm hàng còn lại đều tăng so tháng trước, tăng cao nhất là nhóm giao thông với 1,27%.", "2024-05-10")
    assert (f["1,27%"].value_kind, f["1,27%"].subject) == ("change", "nhóm giao thông")


def test_a_breakdown_in_the_same_units_is_of_the_total_and_now_carries_on():
    f = figures("Sở Giáo dục và Đào tạo An Giang cho biết: từ đầu năm 2020 đến nay, toàn tỉnh có 66 trường được công "
                "nhận đạt chuẩn quốc gia. Nâng tổng số hiện có lên 272/706 trường học công lập các cấp đạt chuẩn quốc gia, "
                "đạt tỷ lệ 38,53%. Trong đó, mầm non có 74/180 trường, đạt tỷ lệ 41,11%; tiểu học 109/321 trường, đạt tỷ "
                "lệ 33,96%.", "2020-08-24")
    for key in ("74/180", "41,11%", "33,96%"):
        assert (f[key].indicator, f[key].as_of_end) == ("schools_national_standard_rate", "2020-08-24"), key
    assert f["41,11%"].subject == "trường học công lập các cấp đạt chuẩn quốc gia"
    assert (f["41,11%"].area_part, f["33,96%"].area_part) == ("cấp mầm non", "cấp tiểu học")


def test_a_plan_given_by_a_body_is_not_the_measured_thing():
    f = figures("Trong đó, thu nội địa 29.850 tỷ đồng, đạt 53% dự toán Thủ tướng Chính phủ giao và 50% dự toán HĐND "
                "tỉnh thông qua, bằng 100% so với cùng kỳ.", "2024-07-10")
    assert f["53%"].subject == f["50%"].subject == f["100%"].subject == "thu nội địa"


def test_months_so_far_from_a_headline_only_when_they_fit_the_date():
    f = figures("Tốc độ tăng trưởng khu vực dịch vụ ước tăng 12,51%.", "2023-06-15",
                title="Quảng Ninh: Thu ngân sách ước đạt 28.000 tỷ đồng trong 6 tháng")
    assert f["12,51%"].as_of_end == "2023-06-30"
    f = figures("Tốc độ tăng trưởng khu vực dịch vụ ước tăng 12,51%.", "2023-05-15",
                title="Dự án sẽ hoàn thành trong 6 tháng")
    assert f["12,51%"].as_of_end == "2023-05-15"


def test_a_first_quarter_report_with_no_time_is_of_the_year_just_ended():
    f = figures("Tỷ lệ hộ nghèo chung cả nước 4,03% với 1.057.374 hộ.", "2023-02")
    assert (f["4,03%"].as_of_end, f["4,03%"].time_basis) == ("2022-12-31", "published")
    f = figures("Theo đó, tỷ lệ hộ gia đình sử dụng nước hợp vệ sinh đạt 98,2%, tăng 3,7% so với năm 2018.", "2020-01-15")
    assert f["98,2%"].as_of_end == "2019-12-31"
    # later in the year, a month's comparison, a year named, or an article about this year: the publication date
    assert figures("Tỷ lệ hộ nghèo chung cả nước 4,03%.", "2023-05-10")["4,03%"].as_of_end == "2023-05-10"
    assert figures("So với tháng trước, CPI tăng 0,52%.", "2023-02-05")["0,52%"].as_of_end == "2023-02-05"
    assert figures("Thu nội địa tăng 12% so với ước thực hiện năm 2024.", "2025-01-10")["12%"].as_of_end == "2025-01-10"
    f = figures("Tỷ lệ bao phủ BHYT đạt 92%, tăng 1% so với cùng kỳ năm 2022.\n\nTỷ lệ tham gia BHXH đạt 33%.", "2023-03")
    assert f["33%"].as_of_end == "2023-03-31"


def test_an_ethnic_group_is_a_part_and_a_share_of_the_poor_is_of_no_indicator():
    f = figures("Trong đó, hộ nghèo dân tộc Khmer 3.239 hộ, chiếm 3,61% so với tổng số hộ dân cư dân tộc Khmer (chiếm "
                "59,94% so với tổng số hộ nghèo).", "2022-12-01")
    assert (f["3,61%"].indicator, f["3,61%"].area_part) == ("poor_household_rate", "dân tộc Khmer")
    assert f["59,94%"].indicator == ""


def test_a_district_list_of_reductions_is_about_the_headlines_indicator():
    f = figures("Cụ thể, huyện Minh Hóa giảm từ 6,5-7,2% (tương ứng từ 840-930 hộ); Tuyên Hóa 4,5-5,0% (1.070-1.190 hộ).",
                "2017-03-16", title="Năm 2017, các địa phương phấn đấu giảm từ 5.374 đến 6.013 hộ nghèo")
    assert (f["4,5-5,0%"].indicator, f["4,5-5,0%"].value_kind) == ("poor_household_rate", "change")
    assert not f["4,5-5,0%"].subject.startswith("tương ứng")


def test_a_sector_of_industry_is_no_environment_rate_and_a_tax_line_no_fdi():
    f = figures("Trong đó, ngành cung cấp nước, hoạt động quản lý và xử lý rác thải, nước thải tăng 3,2% so với cùng kỳ "
                "năm trước.", "2024-10-06")
    assert f["3,2%"].indicator == ""
    f = figures("Một số sắc thuế thu đạt kết quả cao, như: thuế bảo vệ môi trường tăng 174%, doanh nghiệp có vốn đầu tư "
                "nước ngoài tăng 71%.", "2024-10-06")
    assert f["71%"].indicator == ""


def test_a_period_to_a_date_dates_the_paragraph_by_its_end():
    f = figures("Tính từ đầu năm nay đến hết ngày 13/3, Cục Thuế tỉnh Hà Tĩnh đã thu hơn 1.800 tỷ đồng, đạt 22,2% dự "
                "toán. Nếu trừ tiền sử dụng đất, tổng thu thuế, phí tăng 63% so với cùng kỳ năm 2023.", "2024-03-20")
    assert f["22,2%"].as_of_end == f["63%"].as_of_end == "2024-03-13"


def test_an_estimate_to_the_end_of_the_current_year_is_an_actual():
    f = figures("Ước đến hết năm 2020, bình quân tỷ lệ giảm nghèo của tỉnh đạt 5,02%/năm, bằng 125,5% kế hoạch.",
                "2020-10-01")
    assert (f["5,02%"].modality, f["125,5%"].modality) == ("actual", "actual")


def test_a_figure_in_brackets_after_a_place_is_that_places():
    f = figures("Các địa phương giải ngân trên 30% gồm: Phú Thọ (44,39%), Lào Cai (43,45%), Thanh Hóa (39,147%).",
                "2025-05-10")
    assert [f[k].area for k in ("44,39%", "43,45%", "39,147%")] == ["Phú Thọ", "Lào Cai", "Thanh Hóa"]


def test_a_rank_among_the_provinces_does_not_make_the_paragraph_national():
    f = figures("Theo Văn phòng UBND tỉnh Quảng Ninh, 9 tháng đầu năm 2021, địa phương này đạt tốc độ tăng trưởng 8,2% "
                "(thuộc mức các tỉnh, thành có tốc độ tăng trưởng cao trong cả nước). Tổng thu ngân sách nhà nước 9 "
                "tháng ước đạt hơn 34.000 tỉ đồng, bằng 67% dự toán.", "2021-09-20")
    assert f["67%"].area == "Quảng Ninh"


def test_a_class_of_communes_is_no_commune_name():
    f = figures("Đến cuối năm 2015 toàn tỉnh Sóc Trăng đã có 7/44 xã đặc biệt khó khăn và 12/72 ấp đặc biệt khó khăn "
                "thuộc xã Khu vực II đã hoàn thành Chương trình 135.", "2016-01-10")
    assert f["12/72"].area == "Sóc Trăng"


def test_the_plan_after_a_figure_and_a_list_word_are_no_subject():
    f = figures("Thu NSNN trên địa bàn tỉnh ước đạt 3.250 tỷ đồng, đạt 84,2% dự toán được giao, tăng 46% so với cùng kỳ.",
                "2024-07-01")
    assert f["84,2%"].subject == f["46%"].subject == "Thu NSNN"
    f = figures("Khu vực công nghiệp - xây dựng có mức tăng trưởng cao nhất, đóng góp 4,40 điểm phần trăm; tiếp theo đó "
                "là các ngành dịch vụ đóng góp 2,56 phần trăm.", "2024-07-01")
    assert f["2,56 phần trăm"].subject == "các ngành dịch vụ"


def test_a_span_of_days_and_a_bracketed_baseline_year():
    f = figures("Ngày 7-8, bà Hoa cho biết hiện tại thành phố đang thực hiện 2.242 thủ tục. Việc tiếp nhận và giải quyết "
                "TTHC từ ngày 1 đến 31-7 gồm: hồ sơ tiếp nhận qua dịch vụ công trực tuyến là: 69,7%.", "2025-08-07")
    assert f["69,7%"].as_of_end == "2025-07-31"
    f = figures("Khu vực nông, lâm nghiệp và thủy sản tăng 10,25%, cao hơn 1,04% so với cùng kỳ năm trước (năm 2022 tăng "
                "9,21%).\nKhu vực công nghiệp và xây dựng đạt 17.205,78 tỷ đồng, tăng 7,12%.", "2024-01-02",
                title="Tình hình kinh tế - xã hội tháng 12 và năm 2023")
    assert (f["9,21%"].as_of_end, f["7,12%"].as_of_end) == ("2022-12-31", "2023-12-31")


def test_a_ranked_list_of_provinces_keeps_the_measure_of_the_first_item():
    text = ("Trong tháng 4/2024, tỉnh Bạc Liêu ghi nhận giảm 22,7% YoY về trị giá hàng hóa xuất khẩu, là địa phương có "
            "mức giảm lớn nhất trong vùng; tiếp đến là tỉnh Cà Mau với -10,5% YoY. Ngược lại, tỉnh Sóc Trăng có mức "
            "tăng cao nhất với +40% YoY, tiếp đến là Hậu Giang với +24,6% YoY.")
    f = figures(text, "2024-05-10")
    assert {f[k].indicator for k in ("22,7%", "-10,5%", "+40%", "+24,6%")} == {"exports"}
    assert f["-10,5%"].subject == f["22,7%"].subject  # the same measure as the item before
    assert "Ngược lại" not in f["+40%"].subject and "YoY" not in f["+24,6%"].subject


def test_of_overlapping_terms_the_one_that_starts_first_is_the_head():
    f = figures("Kim ngạch xuất nhập khẩu hàng hóa mở tờ khai tại Cục Hải quan Lạng Sơn đạt 4.975 triệu USD, đạt 130,9% "
                "kế hoạch, tăng 62,6% so với cùng kỳ.", "2024-01-10")
    assert f["130,9%"].indicator == f["62,6%"].indicator == "trade_turnover"


def test_domestic_revenue_is_not_the_insurance_funds_revenue():
    f = figures("Riêng số thu nội địa trên địa bàn tỉnh 21.100 tỷ đồng, bằng 56% so với dự toán, tăng 8% so với cùng kỳ.",
                "2025-07-05")
    assert f["56%"].indicator != "social_insurance_revenue"
    assert figures("Số thu BHYT đạt 89% kế hoạch.", "2025-07-05")["89%"].indicator == "social_insurance_revenue"


def test_the_grdp_acronym_keeps_the_provinces_twin():
    f = figures("Tỉnh Quảng Ninh tiếp tục là điểm sáng trong bức tranh tăng trưởng kinh tế cả nước, với mức tăng trưởng "
                "GRDP đạt 11,03%.", "2025-07-05")
    assert f["11,03%"].indicator == "grdp_growth"


def test_this_growth_rate_looks_back_at_the_figure_before_not_the_headline():
    text = ("Quý I/2025, tổng sản phẩm trên địa bàn thành phố (GRDP) của Hải Phòng ước tăng 11,07% so với cùng kỳ.\n"
            "Mặc dù đây là mức tăng trưởng cao nhưng vẫn thấp hơn so với mục tiêu thành phố đề ra (mục tiêu tăng 12,5%).")
    f = figures(text, "2025-04-10", title="Quý I/2025: Hải Phòng tăng trưởng GRDP cao, thu ngân sách gần 50.000 tỷ đồng")
    assert f["12,5%"].indicator == "grdp_growth" and f["12,5%"].modality == "target"


def test_a_sub_populations_share_of_the_labour_force_is_not_the_headlines_indicator():
    text = ("Lực lượng lao động của tỉnh quý I/2025 đạt 600,31 nghìn người. Xét theo cơ cấu, lao động khu vực thành thị "
            "chiếm 32,9%, khu vực nông thôn chiếm 67,1%.")
    f = figures(text, "2025-04-10", title="Giải quyết việc làm cho hơn 5.000 lao động trong quý I")
    assert f["32,9%"].indicator == f["67,1%"].indicator == ""
    assert (f["32,9%"].area_part, f["67,1%"].area_part) == ("khu vực thành thị", "khu vực nông thôn")


def test_the_level_of_the_period_compared_with_is_dated_by_that_period():
    f = figures("Tỷ lệ thí sinh đỗ tốt nghiệp THPT năm 2023 toàn thành phố đạt 99,38%, giảm so với năm 2022 với tỷ lệ 99,5%.",
                "2023-08-02")
    assert (f["99,38%"].as_of_end, f["99,5%"].as_of_end) == ("2023-12-31", "2022-12-31")
    assert f["99,5%"].value_kind == "level" and f["99,5%"].time_basis == "stated"
    g = figures("Kim ngạch xuất khẩu năm 2023 tăng 5,2% so với năm 2022.", "2024-01-05")
    assert g["5,2%"].as_of_end == "2023-12-31"  # a change's baseline stays a baseline


def test_a_central_bodys_figure_is_national_whatever_the_headline_says():
    text = ("Trong khối bộ, ngành, Bộ Công Thương dẫn đầu với tỷ lệ 83,48%. Bộ Tài chính (78,44%) và Bộ Tư pháp (77,66%) "
            "lần lượt giữ vị trí thứ hai và thứ ba. Thu ngân sách của tỉnh đạt 80% dự toán Bộ Tài chính giao.")
    f = figures(text, "2025-01-10", title="Hà Nam dẫn đầu cả nước về tỷ lệ hồ sơ trực tuyến toàn trình")
    assert {f[k].area for k in ("83,48%", "78,44%", "77,66%")} == {"cả nước"}
    assert (f["78,44%"].area_part, f["77,66%"].area_part) == ("Bộ Tài chính", "Bộ Tư pháp")
    assert f["80%"].area == "Hà Nam"  # a plan a ministry gives is the province's
    g = figures("Khối bộ, ngành đạt 63,47% (mục tiêu 70%), còn khối tỉnh, thành chỉ đạt 18,54%. Theo Bộ Tài chính, "
                "thu ngân sách nhà nước đạt 86,3% dự toán.", "2025-01-10",
                title="Tỷ lệ hồ sơ trực tuyến toàn trình của cả nước chưa đạt mục tiêu")
    assert (g["63,47%"].area_part, g["18,54%"].area_part) == ("bộ, ngành", "địa phương")
    assert g["63,47%"].indicator == "online_applications_rate"
    assert g["86,3%"].area_part == ""  # the ministry reports the figure; it does not cover it


def test_a_commune_a_paragraph_opens_on_is_where_its_figures_apply():
    text = ("Qua 3 năm xây dựng xã nông thôn mới nâng cao, xã Vĩnh Công tiếp tục huy động trên 98 tỉ đồng để đầu tư. "
            "Đường liên xã được đổ bê tông; 100% hộ dân sử dụng điện; hộ nghèo chỉ còn 0,33%.")
    f = figures(text, "2022-08-13", "baolongan.vn", title="Long An có 22 xã đạt chuẩn nông thôn mới nâng cao")
    assert f["0,33%"].area == f["100%"].area == "xã Vĩnh Công"


def test_a_district_named_late_in_an_unbroken_page_is_not_what_the_article_is_about():
    text = ("Tỷ lệ người dân được sử dụng nước sạch từ hệ thống cấp nước tập trung đạt gần 100%; 100% xã, thị trấn đã "
            "thành lập tổ thu gom rác thải. Chất thải rắn sinh hoạt phát sinh trong dân cư được các hộ dân tập kết chung "
            "tại các điểm tập kết ven các trục đường thôn, xã, thị trấn; tổ chức thu gom bằng các phương tiện vận chuyển "
            "về khu xử lý rác. Kết quả tổng hợp do các huyện báo cáo, tỷ lệ chất thải rắn được thu gom hiện nay đạt "
            "96,37%. Trên địa bàn tỉnh có 01 Nhà máy xử lý chất thải rắn sinh hoạt cho 15 xã, thị trấn huyện Quỳnh Phụ.")
    f = figures(text, "2024-10-15", title="Thái Bình tăng cường cơ chế, chính sách hỗ trợ bảo vệ môi trường")
    assert f["96,37%"].area == "Thái Bình"


def test_a_share_of_the_nations_total_is_the_provinces_level():
    f = figures("Năm 2013, kim ngạch xuất khẩu hàng hóa của Bắc Ninh đạt 26.283 triệu USD, bằng 19,9% cả nước; năm 1997 "
                "chỉ bằng 0,23%/kim ngạch xuất khẩu cả nước.", "2017-10-27")
    assert (f["19,9%"].area, f["19,9%"].value_kind) == ("Bắc Ninh", "level")
    assert f["0,23%"].area == "Bắc Ninh"


def test_a_national_offices_provincial_site_is_that_provinces():
    from pipeline.rules.book import load_rulebook
    gazetteer = load_rulebook().gazetteer
    assert gazetteer.home_area("namdinh.gso.gov.vn") == "Nam Định"
    assert gazetteer.home_area("gso.gov.vn") == "cả nước"


def test_a_rate_named_in_full_is_not_the_rate_its_sentence_names_first():
    f = figures("Trong đó, tỷ lệ lao động qua đào tạo nghề đạt 50,4%, tỷ lệ lao động có việc làm sau đào tạo nghề đạt 80%.",
                "2017-01-10")
    assert (f["50,4%"].indicator, f["80%"].indicator) == ("trained_labour_rate", "")


def test_a_term_counting_the_units_wins_over_the_predicate_alone():
    f = figures("Thái Bình có 100% số xã đạt chuẩn NTM, 7/7 huyện đạt chuẩn NTM.", "2022-01-07")
    assert (f["100%"].indicator, f["7/7"].indicator) == ("communes_new_rural_standard", "districts_new_rural_standard")


def test_a_sectors_growth_inside_a_growth_target_is_a_component():
    f = figures("Năm 2019, huyện phấn đấu tốc độ tăng trưởng kinh tế đạt 10,5-11%, trong đó, tăng trưởng công nghiệp "
                "11-11,5%, dịch vụ 13-13,5%, nông nghiệp 2,5-3,5%.", "2019-03-01", "hanoimoi.vn")
    assert f["10,5-11%"].indicator == "grdp_growth"
    assert {f[k].indicator for k in ("11-11,5%", "13-13,5%", "2,5-3,5%")} == {""}
    g = figures("Du lịch phục hồi mạnh với 9,6 triệu lượt khách, tăng gần 17%.", "2025-12-10", "baoquangtri.vn")
    assert g["17%"].indicator == "tourist_arrivals"


def test_a_district_the_headline_names_bare_is_what_quan_means():
    text = ("Kinh tế quận có sự phục hồi. Tổng thu ngân sách nhà nước trên địa bàn quận ước đạt 8.686 tỷ đồng, bằng 77,2% "
            "dự toán năm.")
    f = figures(text, "2022-10-18", "danviet.vn", title="9 tháng đầu năm, du lịch Hoàn Kiếm tăng 262,4% so với cùng kỳ")
    assert f["77,2%"].area == "quận Hoàn Kiếm"


def test_a_national_standards_name_is_no_place_and_a_third_of_the_nations_revenue_is_the_citys():
    f = figures("Chỉ số 2 - Tỷ lệ hộ gia đình sử dụng nước sạch đáp ứng Quy chuẩn Việt Nam (QCVN 02: 2009/BYT): 85%.",
                "2020-01-10", "thuathienhue.gov.vn")
    assert f["85%"].area == "Huế"
    g = figures("Thành phố đã thu được 457.500 tỷ đồng, vượt 18,4% dự toán được giao (ước đạt khoảng 1/3 thu ngân sách cả "
                "nước).", "2022-12-20", title="TP.HCM thu ngân sách vượt dự toán")
    assert g["1/3"].area == "TP Hồ Chí Minh"


def test_the_same_period_in_an_aside_is_a_year_before_and_a_later_clauses_year_is_its_own():
    f = figures("Tổng kim ngạch xuất khẩu năm 2023 ước đạt hơn 43 tỉ USD, giảm 8,64% so với cùng kỳ (cùng kỳ tăng 5,1%).",
                "2023-12-25")
    assert (f["8,64%"].as_of_end, f["5,1%"].as_of_end) == ("2023-12-31", "2022-12-31")
    g = figures("Năm 2013 kim ngạch xuất khẩu đạt 26.283 triệu USD, bằng 19,9% cả nước; năm 2016 đạt 22.809 triệu USD, "
                "bằng 13% và xếp thứ 2 cả nước.", "2017-10-27")
    assert (g["19,9%"].as_of_end, g["13%"].as_of_end) == ("2013-12-31", "2016-12-31")


def test_words_that_name_no_measure_and_what_is_not_yet_met():
    f = figures("Còn lại 2/9 tiêu chí chưa đạt là y tế và môi trường. Chỉ số 3 - Tỷ lệ hộ nghèo sử dụng nước hợp vệ sinh: "
                "100%.", "2020-12-04", title="Huyện Mê Linh đạt 7/9 tiêu chí huyện nông thôn mới")
    assert f["2/9"].subject == "tiêu chí chưa đạt"
    assert f["100%"].subject == "hộ nghèo sử dụng nước hợp vệ sinh"


def test_a_growth_rate_indicators_bare_figure_is_a_change():
    f = figures("Hà Nam: 10,39%\nTổng sản phẩm trong tỉnh (GRDP) 6 tháng đầu năm 2024 tăng 10,35% so với cùng kỳ.",
                "2024-07-09", title="Những địa phương nào ghi nhận GRDP tăng trưởng 2 con số trong nửa đầu năm 2024?")
    assert (f["10,39%"].indicator, f["10,39%"].value_kind) == ("grdp_growth", "change")
    g = figures("Chỉ số giá tiêu dùng bình quân 9 tháng ở mức 3,2%.", "2024-10-10")
    assert (g["3,2%"].indicator, g["3,2%"].value_kind) == ("cpi", "change")
    h = figures("Khu vực dịch vụ chiếm 49,7% trong GRDP của tỉnh.", "2024-10-10")
    assert h["49,7%"].value_kind == "level"  # a share is a level whatever it is of


def test_acronyms_listed_after_a_term_modify_it():
    f = figures("Nợ BHXH, BHYT, BHTN đến cuối tháng 10/2022 hơn 77 tỷ đồng, chiếm 2,2% tổng số phải thu.", "2022-11-10")
    assert f["2,2%"].indicator == "social_insurance_arrears"
    g = figures("Toàn tỉnh có số người tham gia BHXH, BHYT, BHTN bắt buộc đạt 90,6%.", "2022-11-10")
    assert g["90,6%"].indicator == "social_insurance_coverage"


def test_a_bare_coverage_word_takes_the_count_the_sentence_gave():
    f = figures("Trong đó, số người tham gia BHYT là 2.970.132 người, đạt tỷ lệ bao phủ 94,0% dân số, hoàn thành kế hoạch.",
                "2025-01-10")
    assert "người tham gia BHYT" in f["94,0%"].subject and f["94,0%"].indicator == "health_insurance_coverage"


def test_counted_bodies_and_a_vaccination_cohort_are_parts_but_not_the_measures_own_population():
    f = figures("Có 4/13 sở, ngành đã thực hiện tiếp nhận hồ sơ trực tuyến đạt tỷ lệ trên 80%; 17/20 địa phương có chỉ số "
                "hài lòng đạt trên 90%.", "2025-05-01", "baonghean.vn")
    assert (f["4/13"].area_part, f["17/20"].area_part) == ("sở, ngành", "địa phương")
    g = figures("Việt Nam đã tiêm vắc xin mũi 3 cho nhóm trẻ từ 12 - dưới 18 tuổi, tỷ lệ đạt 63,8%. Tỷ lệ trẻ em dưới 1 tuổi "
                "được tiêm đầy đủ các loại vắc xin đạt 92,55%.", "2022-11-06")
    assert g["63,8%"].area_part == "trẻ từ 12 - dưới 18 tuổi" and g["92,55%"].area_part == ""


def test_a_list_of_bodies_goes_on_with_the_measure_before_it():
    text = ("Đến nay, toàn tỉnh có 107/225 trường mầm non công lập được công nhận đạt chuẩn quốc gia, chiếm tỷ lệ 47,6%. "
            "Các đơn vị thực hiện đạt và vượt chỉ tiêu là: Phòng GDĐT huyện Xuân Lộc đạt 88,9%; Phòng GDĐT huyện Nhơn "
            "Trạch đạt 76,5%.")
    f = figures(text, "2017-11-30", "dongnai.gov.vn")
    assert f["88,9%"].indicator == f["76,5%"].indicator == "schools_national_standard_rate"
    assert (f["88,9%"].area, f["76,5%"].area) == ("huyện Xuân Lộc", "huyện Nhơn Trạch")


def test_an_as_of_bracket_dates_the_sentence_and_an_exam_year_compared_with_is_a_baseline():
    f = figures("Toàn tỉnh có 8.073 thí sinh được công nhận tốt nghiệp THPT 2020 (tính đến ngày 27/8), đạt tỷ lệ 98,8%, "
                "tăng 4,85% so với kỳ thi năm 2019.", "2020-08-31")
    assert f["98,8%"].as_of_end == f["4,85%"].as_of_end == "2020-08-27"


def test_the_end_of_the_year_with_no_year_named_is_the_paragraphs():
    f = figures("Đối với hộ cận nghèo, đầu năm 2023 có 21.101 hộ, chiếm tỷ lệ 8,02%. Đến cuối năm, giảm còn 17.691, chiếm "
                "tỷ lệ 6,72%.", "2024-01-20")
    assert (f["8,02%"].as_of_end, f["6,72%"].as_of_end) == ("2023-01-01", "2023-12-31")


def test_hien_before_the_rate_means_now():
    f = figures("Tám tháng qua, huyện đã triển khai nhiều giải pháp. Báo cáo cho biết, hiện tỉ lệ bao phủ BHYT của huyện "
                "Sơn Hòa đạt 94% dân số.", "2022-09-24")
    assert (f["94%"].as_of_end, f["94%"].time_basis) == ("2022-09-24", "published")


def test_a_list_item_named_by_its_district_alone_is_that_districts():
    f = figures("Các huyện khác có xã đạt chuẩn phổ cập giáo dục tiểu học mức độ 3 với tỷ lệ khá cao, đó là: Gò Dầu 5/9 xã, "
                "Dương Minh Châu 10/11 xã.", "2017-03-24", "baotayninh.vn")
    assert (f["5/9"].area, f["10/11"].area) == ("huyện Gò Dầu", "huyện Dương Minh Châu")
    g = figures("Hà Nội: 98,49%", "2024-07-01", title="Tỷ lệ tốt nghiệp THPT các tỉnh")
    assert g["98,49%"].area == "Hà Nội"  # a province's name is the province, not a district of it


def test_the_school_level_of_schools_meeting_the_standard_is_a_part():
    f = figures("Toàn tỉnh có 107/225 trường mầm non công lập được công nhận đạt chuẩn quốc gia, chiếm tỷ lệ 47,6%.",
                "2017-11-30", "dongnai.gov.vn")
    assert f["47,6%"].indicator == "schools_national_standard_rate" and f["47,6%"].area_part == "cấp mầm non"


def test_two_percents_written_out_are_two_figures_of_one_kind():
    f = figures("Kim ngạch xuất khẩu tăng từ 10% đến 12% so với cùng kỳ; GRDP dự kiến tăng 6,5% - 7%; tăng trưởng 65-70%.",
                "2024-01-01")
    assert {k: f[k].value_kind for k in ("10%", "12%", "6,5%", "7%")} == dict.fromkeys(("10%", "12%", "6,5%", "7%"), "change")
    assert f["65-70%"].value_max == 70.0  # one range when the first number has no sign
    g = figures("Hộ có mức thu nhập từ 15% đến dưới 25% được hỗ trợ; tỷ lệ giải ngân của 12 tỉnh đạt từ 97,7% đến 139,5% "
                "kế hoạch.", "2024-01-01")
    assert (g["15%"].value_kind, g["25%"].value_kind) == ("other", "other")
    assert (g["97,7%"].value_kind, g["139,5%"].value_kind) == ("share_of_plan", "share_of_plan")


def test_a_range_written_as_two_percents_is_one_level_in_the_timeline_not_a_conflict():
    import pandas as pd

    from pipeline.records import FACT_COLUMNS
    from pipeline.timeline import build_timeline

    text = "Mục tiêu đến năm 2025, tỷ lệ bao phủ bảo hiểm y tế của tỉnh Nghệ An đạt 93% - 95% dân số."
    article = Article(id="a1", url="https://baonghean.vn/a.html", title="Nghệ An đặt mục tiêu bao phủ BHYT",
                      published="2024-03-01", source="baonghean.vn", fetched_at=None, text=text)
    facts = [f for f in extract_facts(article, book()) if f.kind == "percent"]
    assert [(f.value, f.qualifier) for f in facts] == [(93.0, "range_low"), (95.0, "range_high")]
    rows = [{c: getattr(f, c, None) for c in FACT_COLUMNS} for f in facts]
    obs = build_timeline(pd.DataFrame(rows, columns=list(FACT_COLUMNS))).observations
    assert len(obs) == 1 and not obs["conflict"].any() and obs["value"].iloc[0] == 93.0


def test_an_unchanged_verb_names_no_measure():
    f = figures("Tỷ lệ thất nghiệp trong độ tuổi lao động quý III năm 2023 là 2,30%, không thay đổi so với quý trước và "
                "tăng 0,02 điểm phần trăm so với cùng kỳ năm trước.", "2023-10-10")
    assert "không thay đổi" not in f["0,02 điểm phần trăm"].subject


def test_a_new_count_after_and_names_what_the_next_share_measures():
    f = figures("Số hộ nghèo toàn tỉnh là 11.925 hộ, chiếm 6,74%, giảm 1,6% so với năm 2018 và số hộ cận nghèo là "
                "14.176 hộ, chiếm 8,02%, giảm 1,15% so với năm 2018.", "2019-11-26")
    assert f["6,74%"].indicator == f["1,6%"].indicator == "poor_household_rate"
    assert f["8,02%"].indicator == f["1,15%"].indicator == "near_poor_household_rate"
    assert f["8,02%"].subject == "số hộ cận nghèo"


def test_a_vaccination_cohort_written_with_den_or_without_tuoi_is_a_part_but_months_of_age_are_not():
    f = figures("Hiện tỷ lệ tiêm mũi 2 cho trẻ từ 5 đến dưới 12 tuổi mới đạt 53%; tỷ lệ tiêm mũi 3 cho trẻ từ 12-18 là 51%.",
                "2022-08-30")
    assert (f["53%"].area_part, f["51%"].area_part) == ("trẻ từ 5 đến dưới 12 tuổi", "trẻ từ 12-18")
    f = figures("Tỷ lệ tiêm chủng đầy đủ của trẻ em từ 12-23 tháng tuổi đạt 76%.", "2022-08-30")
    assert f["76%"].area_part == ""


def test_poor_households_are_the_part_a_measure_of_something_else_covers():
    f = figures("Tỷ lệ hộ nghèo sử dụng nước hợp vệ sinh là 94,4%. Tỷ lệ hộ nghèo toàn tỉnh còn 2%.", "2023-03-16")
    assert (f["94,4%"].indicator, f["94,4%"].area_part) == ("hygienic_water_rate", "hộ nghèo")
    assert (f["2%"].indicator, f["2%"].area_part) == ("poor_household_rate", "")


def test_a_predicate_after_the_counted_nouns_modifiers_says_what_is_counted():
    f = figures("Hiện nay, toàn tỉnh Khánh Hòa có 39/39 xã thuộc vùng đồng bào dân tộc thiểu số đạt chuẩn xóa mù chữ.",
                "2023-07-01")
    assert f["39/39"].indicator == "universal_education"
    assert f["39/39"].subject.endswith("đạt chuẩn xóa mù chữ")


def test_a_block_of_bodies_is_a_part_and_goes_on_with_the_measure_before_it():
    f = figures("Tỷ lệ giải quyết hồ sơ TTHC đúng hạn của khối cơ quan chuyên môn cấp tỉnh đạt 99,37%; "
                "khối cơ quan ngành dọc đạt 99,99%.", "2024-12-01")
    assert (f["99,99%"].indicator, f["99,99%"].area_part) == ("on_time_processing_rate", "khối cơ quan ngành dọc")


def test_places_listed_then_said_to_lead_in_a_measure_are_of_that_measure():
    f = figures("Tính từ đầu năm đến đầu tháng 11-2022, Đà Nẵng (67%) cùng các tỉnh Hòa Bình (86,5%), Nam Định (65,9%) "
                "là 3 tỉnh, thành dẫn đầu ở khối các địa phương về tỷ lệ hồ sơ trực tuyến.", "2022-11-20")
    assert {f[k].indicator for k in ("67%", "86,5%", "65,9%")} == {"online_applications_rate"}
    assert f["86,5%"].subject != "cùng các"
    assert (f["67%"].area, f["86,5%"].area) == ("Đà Nẵng", "Hòa Bình")


def test_a_day_and_month_after_tinh_den_is_a_date_and_a_block_is_found_past_its_comma():
    f = figures("Theo số liệu của Bộ KH&CN, tính đến 26/10, tỷ lệ hồ sơ trực tuyến toàn trình đạt 39,98%, trong đó khối bộ "
                "đạt 54,46%, và tỷ lệ của khối tỉnh, thành phố là 16,94%.", "2025-10-31")
    assert "26/10" not in f
    assert f["39,98%"].as_of_end == "2025-10-26"
    assert (f["54,46%"].area_part, f["16,94%"].area_part) == ("bộ, ngành", "địa phương")


def test_a_breakdown_after_trong_do_is_not_the_totals_part_and_a_satisfaction_index_is_its_own_measure():
    f = figures("Tỷ lệ thất nghiệp trong độ tuổi lao động năm 2018 là 1,9% trong đó khu vực thành thị 3,2%; khu vực nông "
                "thôn 1,7%.", "2019-03-01")
    assert (f["1,9%"].area_part, f["3,2%"].area_part, f["1,7%"].area_part) == ("", "khu vực thành thị", "khu vực nông thôn")
    f = figures("Lực lượng lao động tham gia BHXH đạt 16,83%; Chỉ số đánh giá mức độ hài lòng của người tham gia BHXH "
                "đạt mức 85%.", "2021-03-01")
    assert (f["16,83%"].indicator, f["85%"].indicator) == ("social_insurance_coverage", "public_satisfaction_rate")


def test_an_approved_lists_period_and_a_strategys_vision_year_are_not_the_time():
    f = figures("Huyện nghèo theo Quyết định số 353/QĐ-TTg ngày 15/3/2022 của Thủ tướng Chính phủ phê duyệt Danh sách "
                "huyện nghèo, xã đặc biệt khó khăn vùng bãi ngang, ven biển và hải đảo giai đoạn 2021-2025: Tỷ lệ nghèo "
                "đa chiều là 47,94%.", "2024-01-10")
    assert (f["47,94%"].as_of_end, f["47,94%"].modality) == ("2024-01-10", "actual")
    f = figures("“Chiến lược phát triển Chính phủ điện tử giai đoạn 2021 - 2025, định hướng đến năm 2030” đã đề ra các chỉ "
                "tiêu: tối thiểu 80% hồ sơ thủ tục hành chính được xử lý hoàn toàn trực tuyến.", "2024-01-10")
    assert (f["80%"].as_of_end, f["80%"].modality) == ("2025-12-31", "target")


def test_a_day_without_its_year_takes_the_year_the_sentence_named():
    f = figures("Năm 2018, tính đến ngày 31/5, trên địa bàn tỉnh có gần 471.500 người tham gia BHYT, tỷ lệ bao phủ BHYT "
                "đạt 88,46%.")
    assert f["88,46%"].as_of_end == "2018-05-31"


def test_a_paragraph_that_opens_on_the_province_is_the_provinces_in_a_district_article():
    title = "Huyện Hương Sơn: kinh tế - xã hội năm 2022"
    text = ("Huyện Hương Sơn có 20/21 xã đạt chuẩn nông thôn mới.\n\nTại Hà Tĩnh, kinh tế - xã hội năm 2022 nhìn chung "
            "giữ xu hướng phục hồi. Về kinh tế, tăng trưởng ước đạt 3,98%.")
    f = figures(text, "2022-12-30", title=title)
    assert (f["20/21"].area, f["3,98%"].area) == ("huyện Hương Sơn", "Hà Tĩnh")


def test_a_source_bracket_opening_the_lead_is_not_where_the_figures_are():
    f = figures("(CTT-Đồng Nai) – Thông tin từ UBND huyện Trảng Bom, trong 9 tháng đầu năm 2023, giá trị sản xuất công "
                "nghiệp ước đạt trên 96%, tăng 7,6% so với cùng kỳ.", "2023-10-01",
                title="Trảng Bom: nhiều kết quả tích cực 9 tháng đầu năm")
    assert f["7,6%"].area == "huyện Trảng Bom"


def test_a_predicate_segment_is_not_the_subject_the_noun_before_it_is():
    f = figures("Tính đến hết năm 2020, chỉ tiêu bao phủ bảo hiểm y tế (BHYT) tiếp tục có bước tăng trưởng ấn tượng với "
                "khoảng 88 triệu người tham gia, chiếm 90,85% dân số.", "2021-01-10")
    assert "tiếp tục" not in f["90,85%"].subject
    assert f["90,85%"].indicator == "health_insurance_coverage"


def test_figures_of_a_paragraph_come_to_now_stay_undated_in_an_undated_article():
    f = figures("Đến nay, diện mạo nông thôn 2 xã ngày càng đổi mới. Tỷ lệ cơ giới hóa trong sản xuất nông nghiệp đạt "
                "100%. Trên 95% lao động có việc làm thường xuyên.\n\nNăm 2021, tỷ lệ hộ nghèo còn 2%.")
    assert f["100%"].as_of_end is None and f["95%"].as_of_end is None
    assert "paragraph_now" in f["100%"].why


def test_a_count_of_criteria_met_measures_no_indicator():
    f = figures("Huyện Đắk Tô được đánh giá đạt 6/9 tiêu chí về xây dựng huyện nông thôn mới; toàn huyện có 7/9 xã đạt "
                "chuẩn nông thôn mới.", "2024-01-10")
    assert (f["6/9"].indicator, f["7/9"].indicator) == ("", "communes_new_rural_standard")


def test_a_bar_a_class_is_defined_by_is_a_threshold_and_a_bracketed_change_lends_no_verb():
    f = figures("Thôn đặc biệt khó khăn là thôn có tổng tỷ lệ hộ nghèo và cận nghèo từ 65% trở lên.", "2017-01-10")
    assert f["65%"].value_kind == "other"
    f = figures("Huyện Bắc Hà có tỷ lệ hộ nghèo 28,13% (giảm 5,67%), Mường Khương 25,69% (giảm 7,5%).", "2025-01-10")
    assert (f["28,13%"].value_kind, f["25,69%"].value_kind, f["7,5%"].value_kind) == ("level", "level", "change")


def test_hyphenated_district_names_and_bare_districts_as_subject_or_list_item():
    title = "Kết quả rà soát hộ nghèo năm 2022 tỉnh Ninh Thuận"
    f = figures("Các địa phương giảm đạt kế hoạch giao như: Thành phố Phan Rang-Tháp Chàm đạt 100% (giảm 0,28%), "
                "Thuận Bắc đạt 103%.", "2023-01-10", title=title)
    assert (f["100%"].area, f["103%"].area) == ("thành phố Phan Rang-Tháp Chàm", "huyện Thuận Bắc")
    f = figures("Trong đó, Si Ma Cai là địa phương có tỷ lệ hộ nghèo cao nhất, chiếm 33,05%.", "2025-01-10",
                title="Lào Cai còn hơn 20.400 hộ nghèo")
    assert f["33,05%"].area == "huyện Si Ma Cai"


def test_an_unplaced_cpi_on_a_provincial_paper_is_the_provinces():
    f = figures("Chỉ số giá tiêu dùng (CPI) 6 tháng đầu năm tăng 3,4% so với cùng kỳ.", "2019-07-05", "baoangiang.com.vn",
                title="Tổng mức bán lẻ hàng hóa tăng 10,9%")
    assert f["3,4%"].area == "An Giang"


def test_two_quarters_so_far_and_a_time_of_the_next_coordinated_clause():
    f = figures("Hai quý đầu năm tổng sản phẩm trên địa bàn (GRDP) ước tăng 11,2% so với cùng kỳ.", "2025-07-05")
    assert (f["11,2%"].as_of_start, f["11,2%"].as_of_end) == ("2025-01-01", "2025-06-30")
    f = figures("Về giải ngân, tính đến hết quý I/2023, giải ngân là 85.476 triệu đồng, đạt 12,8% và ước đến hết năm 2023 "
                "giải ngân là 634.626 triệu đồng, đạt 95%.", "2023-05-18")
    assert f["12,8%"].as_of_end == "2023-03-31"


def test_the_plans_value_after_a_result_and_a_list_of_main_targets_are_targets():
    f = figures("GRDP đã tăng 8,89% so với năm 2021 (vượt kế hoạch đề ra là từ 7,0% đến 7,5%).", "2022-12-30")
    assert (f["8,89%"].modality, f["7,0%"].modality, f["7,5%"].modality) == ("actual", "target", "target")
    f = figures("Năm 2024, UBND thị xã Chơn Thành đề ra các chỉ tiêu chủ yếu: Giá trị sản xuất tăng trưởng 13-14%; tỷ lệ "
                "bao phủ BHYT đạt 95%.", "2024-01-10")
    assert (f["13-14%"].modality, f["95%"].modality) == ("target", "target")


def test_look_alikes_of_trade_retail_and_jobs():
    f = figures("Thu nội địa ước đạt 17.313 tỷ đồng, tăng 38%; thu từ xuất, nhập khẩu ước đạt 2.205 tỷ đồng, tăng 16% so "
                "với cùng kỳ; doanh thu bán lẻ hàng hóa và dịch vụ tiêu dùng tăng 40%.", "2025-07-01")
    assert (f["16%"].indicator, f["40%"].indicator) == ("", "retail_sales")
    f = figures("Trung tâm Dịch vụ việc làm đã tư vấn, giới thiệu việc làm cho 18.612 lượt lao động (đạt 248,2% kế hoạch năm).",
                "2018-08-01")
    assert f["248,2%"].indicator == ""


def test_the_share_not_yet_covered_is_no_value_of_the_coverage_rate():
    f = figures("Tỷ lệ bao phủ BHYT đạt 92%. Tuy nhiên, đến nay vẫn còn 43.200 người, tương đương gần 8% dân số chưa tham "
                "gia BHYT.", "2021-07-01")
    assert (f["92%"].indicator, f["8%"].indicator) == ("health_insurance_coverage", "")


def test_an_acronyms_bracket_and_a_list_of_owners_after_cua_do_not_cut_the_subject():
    f = figures("Tỷ lệ giải quyết hồ sơ thủ tục hành chính (TTHC) đúng hạn của khối cơ quan chuyên môn cấp tỉnh, UBND cấp "
                "huyện, UBND cấp xã cũng đạt 99,37%.", "2024-12-01")
    assert f["99,37%"].subject.startswith("giải quyết hồ sơ thủ tục hành chính (TTHC) đúng hạn")


def test_a_region_ranked_among_is_no_part_and_a_new_place_drops_the_part_before():
    f = figures("GRDP 6 tháng đầu năm 2023 tăng 7,76% (đứng vị trí thứ 11/63 tỉnh, thành phố, thứ 3/14 các tỉnh Bắc Trung "
                "Bộ và Duyên hải Trung Bộ).", "2023-07-10", "baobinhthuan.com.vn", title="Kinh tế Bình Thuận 6 tháng")
    assert (f["3/14"].area, f["3/14"].area_part) == ("Bình Thuận", "")
    f = figures("Quý IV/2023, vùng Đông Nam Bộ có tỉ lệ thất nghiệp 2,67% (giảm 0,41% so với quý trước); TP HCM là 2,91% "
                "(giảm 0,78% so với quý trước).", "2024-01-10")
    assert (f["2,91%"].area, f["2,91%"].area_part) == ("TP Hồ Chí Minh", "")


def test_rules_match_either_tone_placement():
    f = figures("Tỷ lệ hồ sơ được số hoá đạt 98%; tỷ lệ xã đạt chuẩn xoá mù chữ là 100%.", "2024-12-01")
    g = figures("Tỷ lệ hồ sơ được số hóa đạt 98%; tỷ lệ xã đạt chuẩn xóa mù chữ là 100%.", "2024-12-01")
    assert (f["98%"].indicator, f["100%"].indicator) == (g["98%"].indicator, g["100%"].indicator)
    assert f["100%"].indicator == "universal_education"


def test_reviewed_lexicon_terms_and_look_alikes():
    f = figures("Tổng thu du lịch đạt 36.112 tỷ đồng, tăng 77,2% so với cùng kỳ; vận tải hành khách ước đạt 1.917 triệu "
                "lượt khách, giảm 9,67% so với cùng kỳ.", "2023-04-07")
    assert (f["77,2%"].indicator, f["9,67%"].indicator) == ("tourism_revenue", "")
    f = figures("Có 139.053 con trâu, bò được tiêm vắc xin phòng bệnh lở mồm long móng, đạt tỷ lệ 63%.", "2023-04-07")
    assert f["63%"].indicator == ""


def test_a_plan_value_named_only_as_chi_tieu_is_the_plan_of_the_measure_before_it():
    f = figures("Đến cuối năm 2023, toàn tỉnh có hơn 1,6 triệu người tham gia BHYT, đạt hơn 93% dân số (vượt chỉ tiêu của "
                "trung ương là 92,25% dân số).", "2024-05-16", "la34.com.vn")
    assert (f["93%"].indicator, f["92,25%"].indicator) == ("health_insurance_coverage",) * 2
    assert (f["93%"].area, f["92,25%"].modality) == ("Long An", "target")
    f = figures("Kim ngạch xuất khẩu tháng 1/20223 ước đạt 3.276 triệu USD.", "2023-02-01")
    assert "1/20223" not in f


def test_being_in_the_countrys_top_group_does_not_make_the_figure_national():
    f = figures("Thái Bình tự hào nằm trong tốp đầu cả nước về đích sớm khi 100% số xã đạt chuẩn NTM, 7/7 huyện đạt chuẩn "
                "NTM.", "2022-01-07")
    assert (f["100%"].area, f["7/7"].area) == ("Thái Bình", "Thái Bình")


def test_a_rate_referred_back_to_is_where_the_figure_before_was():
    f = figures("Tỷ lệ hồ sơ trực tuyến toàn trình của cả nước năm 2023 đạt 40%. Đến cuối năm 2024, tỷ lệ này chỉ đạt "
                "45,8%, trong khi mục tiêu đề ra là 50%.", "2025-01-10", "baohanam.com.vn",
                title="Hà Nam đẩy mạnh dịch vụ công trực tuyến")
    assert f["45,8%"].area == "cả nước"


def test_reviewed_sub_area_phrases_and_organisations_that_are_not_parts():
    f = figures("Vốn khu vực ngoài nhà nước đạt 19 nghìn tỷ đồng, chiếm gần 48%; Hội Liên hiệp Phụ nữ tỉnh có 95% hội viên "
                "tham gia.", "2024-01-10")
    assert (f["48%"].area_part, f["95%"].area_part) == ("khu vực ngoài nhà nước", "")


def test_reviewed_value_kind_cues():
    f = figures("Giá thịt lợn tăng 5,2% làm CPI chung tăng 0,06 điểm phần trăm; doanh thu tăng 12% so với cùng kì.", "2024-03-05")
    assert (f["0,06 điểm phần trăm"].value_kind, f["12%"].value_kind) == ("contribution", "change")
    f = figures("GRDP năm 2023 ước tăng 5,6% (thấp hơn mục tiêu 1,6 - 2,4 điểm phần trăm).", "2023-12-20")
    assert (f["1,6 - 2,4 điểm phần trăm"].value_kind, f["1,6 - 2,4 điểm phần trăm"].modality) == ("share_of_plan", "actual")


def test_a_figure_naming_nothing_takes_the_subject_of_an_earlier_figure_of_its_measure():
    f = figures("Tỉnh Đắk Lắk có 19.834 thí sinh đỗ tốt nghiệp, đạt tỉ lệ hơn 98,3%. Trong đó, khối THPT đạt hơn 99% "
                "(năm 2023 là 97,88%); khối Giáo dục thường xuyên đạt 91,9%.", "2024-07-20")
    assert f["97,88%"].subject == f["91,9%"].subject == f["99%"].subject != ""


def test_reviewed_look_alike_pairs():
    f = figures("Toàn tỉnh có 40 xã đạt chuẩn NTM nâng cao, chiếm 35,4%; tỷ lệ hồ sơ tiếp nhận qua dịch vụ công trực tuyến "
                "đạt 62%; tỷ lệ chậm đóng BHXH chiếm 2,1% số phải thu.", "2024-12-01")
    assert (f["35,4%"].indicator, f["62%"].indicator, f["2,1%"].indicator) == (
        "communes_advanced_new_rural", "online_applications_rate", "social_insurance_arrears")


def test_a_qualifier_left_by_the_count_is_not_part_of_an_inherited_subject():
    f = figures("Tính đến cuối năm 2019, tỉnh Kon Tum còn gần 18.870 hộ nghèo, chiếm tỷ lệ trên 13,6% tổng số hộ dân.",
                "2020-01-10")
    assert f["13,6%"].subject == "hộ nghèo"


def test_reviewed_terms_for_less_common_indicators():
    f = figures("Tỷ lệ thanh toán không dùng tiền mặt (TTKDTM) đạt 45%; công suất sử dụng phòng đạt 62%, lượt khách tăng "
                "15%.", "2024-12-01")
    assert (f["45%"].indicator, f["62%"].indicator) == ("cashless_payment_rate", "")


def test_respectively_inside_a_bracket_reads_the_list_before_it():
    f = figures("Vùng Trung du và miền núi phía Bắc hiện đứng đầu về cả tỷ lệ hộ nghèo và cận nghèo (lần lượt là 14,23% "
                "và 7,69%).", "2023-08-01")
    assert (f["14,23%"].indicator, f["7,69%"].indicator) == ("poor_household_rate", "near_poor_household_rate")
    assert f["7,69%"].subject == "cận nghèo"


def test_the_city_named_after_its_province_is_the_city_and_the_provinces_average_is_the_province():
    f = figures("Đến nay, tỷ lệ thu gom rác thải sinh hoạt đô thị bình quân của tỉnh đạt 78%; trong đó, thành phố Bến Tre "
                "có tỷ lệ thu gom cao nhất đạt 91%, tiếp theo là huyện Châu Thành đạt 75%.", "2023-05-01",
                title="Bến Tre nâng cao tỷ lệ thu gom rác thải")
    assert (f["78%"].area, f["91%"].area, f["75%"].area) == ("Bến Tre", "thành phố Bến Tre", "huyện Châu Thành")
    f = figures("Tỷ lệ hộ nghèo của TP Cần Thơ còn 0,5%.", "2023-05-01")
    assert f["0,5%"].area == "Cần Thơ"  # a centrally-run city is the province itself


def test_a_count_indicator_has_no_percent_level():
    f = figures("Năm 2023, tỉnh đã giải quyết việc làm cho 30.000 lao động, đạt 105% kế hoạch, trong đó 70% là lao động "
                "nông thôn.", "2024-01-05")
    assert (f["105%"].indicator, f["70%"].indicator) == ("jobs_created", "")


def test_a_part_named_in_the_next_clause_is_not_this_figures():
    f = figures("Khối lượng rác được thu gom khoảng 400 tấn/ngày, trong đó, khu vực đô thị là khoảng 280 tấn/ngày chiếm 82% "
                "và tại khu vực nông thôn khoảng 120 tấn/ngày chiếm 18%.", "2023-06-01")
    assert (f["82%"].area_part, f["18%"].area_part) == ("khu vực thành thị", "khu vực nông thôn")
    f = figures("Tỷ lệ hộ dùng nước sạch đạt 97% ở khu vực thành thị và 80% ở khu vực nông thôn.", "2023-06-01")
    assert (f["97%"].area_part, f["80%"].area_part) == ("khu vực thành thị", "khu vực nông thôn")


def test_overdue_files_are_no_on_time_rate_and_an_age_breakdown_names_parts():
    f = figures("Trong quý I đã giải quyết 329.596 hồ sơ; trong đó, đúng và trước hạn có 323.911 hồ sơ, đạt tỷ lệ 98,28%, "
                "còn 5.685 hồ sơ quá hạn, tỷ lệ 1,7%.", "2020-04-05")
    assert (f["98,28%"].indicator, f["1,7%"].indicator) == ("on_time_processing_rate", "")
    f = figures("Tỷ lệ thất nghiệp của lực lượng lao động trong độ tuổi 15-24 là 20,47%; trong độ tuổi 25-49 là 8,2%; "
                "từ 50 tuổi trở lên là 5,37%.", "2020-12-05")
    assert (f["20,47%"].area_part, f["5,37%"].area_part) == ("trong độ tuổi 15-24", "từ 50 tuổi trở lên")
    f = figures("Tỷ lệ thất nghiệp của lao động từ 15 tuổi trở lên là 2,3%.", "2020-12-05")
    assert f["2,3%"].area_part == ""  # the measure's own population


def test_reviewed_indirect_indicators_and_look_alikes():
    f = figures("Số dân sử dụng nước sạch theo quy chuẩn đạt 65,3%. Tuy nhiên, con số này vẫn thấp hơn mục tiêu 70% đề ra.",
                "2024-10-06")
    assert f["70%"].indicator == "clean_water_rate"
    f = figures("Có 90% hộ nghèo được tiếp cận thông tin về các chính sách hỗ trợ của Nhà nước; tỷ lệ hộ nghèo có nhà ở "
                "kiên cố đạt 85%.", "2024-10-06")
    assert (f["90%"].indicator, f["85%"].indicator) == ("", "")
    f = figures("Tỷ lệ nợ đọng thuế chiếm 5% tổng thu ngân sách; tỷ lệ người dân có hồ sơ SKĐT đạt 85%.", "2024-10-06")
    assert f["5%"].indicator != "social_insurance_arrears" and f["85%"].indicator == "electronic_health_records"


def test_a_breakdown_of_the_figure_before_covers_its_part_and_urban_waste_is_urban():
    f = figures("Tỷ lệ hộ gia đình nông thôn được sử dụng nước sạch đáp ứng QCVN là 60,2%. Trong đó, tỷ lệ hộ gia đình sử "
                "dụng nước sạch từ công trình cấp nước tập trung là 25,2%.", "2023-03-16")
    assert f["60,2%"].area_part == f["25,2%"].area_part == "khu vực nông thôn"
    f = figures("Tỷ lệ thu gom chất thải rắn sinh hoạt đô thị đạt 95%.", "2023-03-16")
    assert f["95%"].area_part == "khu vực thành thị"


def test_criteria_named_with_their_programme_are_still_criteria():
    f = figures("Đến nay, toàn tỉnh có 20 xã hoàn thành 11/11 tiêu chí NTM nâng cao.", "2022-01-07")
    assert f["11/11"].indicator == ""


def test_a_figure_read_with_what_follows_it():
    f = figures("Giá trị giải ngân vốn đầu tư công của tỉnh đạt 4.209/6.216 tỷ đồng, bằng 68% kế hoạch giao; tổng thu ngân "
                "sách 6 tháng ước đạt hơn 181 tỷ đồng (gần 52%) so dự toán tỉnh giao; tỷ lệ thất nghiệp duy trì ở mức dưới "
                "3% (2,89%).", "2024-06-30")
    assert (f["4.209/6.216"].value_kind, f["52%"].value_kind, f["3%"].value_kind, f["2,89%"].value_kind) == (
        "share_of_plan", "share_of_plan", "other", "level")


def test_a_school_leaving_exam_result_with_no_time_is_of_the_publication_year():
    f = figures("Tỷ lệ đỗ tốt nghiệp chung của địa phương này là 71,97%.", "2019-07-15")
    assert (f["71,97%"].as_of_start, f["71,97%"].as_of_end, f["71,97%"].time_basis) == \
        ("2019-01-01", "2019-12-31", "published")
    # a stated time, or another indicator, keeps its own
    assert figures("Tính đến ngày 10/7, tỷ lệ đỗ tốt nghiệp là 71,97%.", "2019-07-15")["71,97%"].as_of_end == "2019-07-10"
    assert figures("Tỷ lệ bao phủ BHYT đạt 92%.", "2019-07-15")["92%"].as_of_end == "2019-07-15"


def test_an_undated_report_takes_its_year_from_a_day_written_in_full():
    text = ("Thông tin trên được đưa ra tại cuộc họp báo thường kỳ quí 3 do UBND TP Cần Thơ tổ chức vào chiều 16-10-2025.\n"
            "Trong 9 tháng đầu năm, công nghiệp chế biến, chế tạo có mức tăng cao nhất 8,25%.")
    assert figures(text, None)["8,25%"].as_of_end == "2025-09-30"
    # a same-period year still decides
    text = "Ngày 5/3/2025, Sở Tài chính báo cáo: trong 9 tháng đầu năm, thu ngân sách tăng 8,25% so với cùng kỳ năm 2023."
    assert figures(text, None)["8,25%"].as_of_end == "2024-09-30"


def test_each_item_of_a_breakdown_list_keeps_its_own_level():
    f = figures("Trong đó, bậc học mầm non có 144 trường (52,2%), tiểu học có 208 trường (75,9%), THCS có 134 trường "
                "(61,4%).", "2018-05-01")
    assert [f[k].area_part for k in ("52,2%", "75,9%", "61,4%")] == ["cấp mầm non", "cấp tiểu học", "cấp trung học cơ sở"]


def test_a_district_office_site_is_the_districts_and_school_levels_are_abbreviated():
    f = figures("Tính đến cuối năm học 2017-2018, đã có 04/10 trường MN đạt chuẩn Quốc gia, tỷ lệ 40%; 13/21 trường TH đạt "
                "chuẩn Quốc gia, tỷ lệ 61,9%.", "2018-09-01", source="pgddtdonghoa.phuyen.edu.vn")
    assert (f["40%"].area, f["40%"].area_part, f["61,9%"].area_part) == ("thị xã Đông Hòa", "cấp mầm non", "cấp tiểu học")
    assert book().gazetteer.home_area("pgdvinh.nghean.edu.vn") == "Nghệ An"  # too short a name to read as a district


def test_a_breakdown_of_a_count_by_part_is_its_make_up_and_a_compared_nation_is_no_area():
    text = ("Lực lượng lao động tỉnh Quảng Nam gần 851 nghìn người, tỷ lệ tham gia lực lượng lao động là 73,4% (thấp hơn "
            "tỷ lệ tham gia lực lượng lao động bình quân của toàn quốc là 3,35%). Trong đó, khu vực thành thị gần 188 nghìn "
            "người, chiếm 22,08%.")
    f = figures(text, "2018-01-10")
    assert (f["73,4%"].indicator, f["22,08%"].indicator, f["22,08%"].area) == \
        ("labour_force_participation_rate", "", "Quảng Nam")


def test_a_bare_list_item_is_measured_as_the_item_before_it():
    f = figures("Năm 2023, vốn Chương trình mục tiêu quốc gia giảm nghèo bền vững giải ngân đạt 72,3%; Chương trình xây dựng "
                "nông thôn mới đạt 85,1%; 6 tháng, công suất sử dụng giường bệnh đạt 96,5%.", "2023-12-22")
    assert [f[k].value_kind for k in ("72,3%", "85,1%", "96,5%")] == ["share_of_plan", "share_of_plan", "level"]
    assert f["72,3%"].modality == "actual"
    f = figures("Tính chung 10 tháng, chỉ số IIP bằng 115,3% cùng kỳ; trong đó ngành chế biến, chế tạo bằng 119,2%.", "2023-10-29")
    assert f["119,2%"].value_kind == "change"
    f = figures("Chỉ số phát triển tổng sản phẩm trên địa bàn (năm trước = 100%) năm 2023 đạt 107,2%. Trong đó, khu vực "
                "công nghiệp - xây dựng đạt 110,5%, khu vực dịch vụ đạt 106,8%.", "2024-06-10")
    assert [f[k].value_kind for k in ("100%", "107,2%", "110,5%", "106,8%")] == ["other", "change", "change", "change"]


def test_a_bracketed_target_goes_with_the_figure_it_is_nearer_to():
    f = figures("Năm 2023, tỷ lệ che phủ rừng của tỉnh đạt 45,18%, tăng 0,16% so với năm 2022 và đạt chỉ tiêu Nghị quyết "
                "Đại hội Đảng bộ tỉnh đề ra (45%).", "2024-03-21")
    assert (f["45%"].value_kind, f["45%"].modality) == ("level", "target")


def test_a_bare_sector_after_a_growth_and_its_contribution_is_a_growth():
    f = figures("GRDP của tỉnh tăng 6,5%, trong đó khu vực nông nghiệp tăng 3,1%, đóng góp 0,9 điểm phần trăm, công nghiệp "
                "9,2%, đóng góp 3,1 điểm phần trăm.", "2024-01-05")
    assert [f[k].value_kind for k in ("3,1%", "0,9 điểm phần trăm", "9,2%", "3,1 điểm phần trăm")] == \
        ["change", "contribution", "change", "contribution"]
    f = figures("Thu ngân sách 6 tháng đạt 55,2% dự toán, cao hơn cùng kỳ năm trước (48,7%).", "2024-07-05")
    assert f["48,7%"].value_kind == "share_of_plan"
