"""China's divisions as the pickers lay them out, and reading addresses as people paste them from a chat."""

import pytest
from django.core.exceptions import ValidationError

from shop.core import regions


def test_the_divisions_come_laid_out_for_a_picker():
    assert len(regions.provinces()) == 34
    assert regions.cities("北京市") == ["北京市"]
    assert len(regions.districts("北京市", "北京市")) == 16
    assert "吕梁市" in regions.cities("山西省") and "临县" in regions.districts("山西省", "吕梁市")
    assert regions.districts("广东省", "东莞市") == []
    assert regions.cities("香港特别行政区") == []


@pytest.mark.parametrize(
    "province, city, district, problem",
    [
        ("山西省", "吕梁市", "临县", None),
        ("广东省", "东莞市", "", None),
        ("香港特别行政区", "", "", None),
        ("山西", "吕梁市", "临县", "province"),
        ("山西省", "", "", "city"),
        ("山西省", "朝阳市", "", "city"),
        ("山西省", "吕梁市", "", "district"),
        ("北京市", "北京市", "临县", "district"),
        ("广东省", "东莞市", "长安镇", "district"),
    ],
)
def test_a_region_fits_together_or_says_which_level_does_not(province, city, district, problem):
    assert regions.region_error(province, city, district) == problem


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "张三 13812345678 山西省吕梁市临县城庄镇王家庄村12号",
            ("张三", "+8613812345678", "山西省", "吕梁市", "临县", "城庄镇王家庄村12号", ""),
        ),
        (
            "收货人：李四\n手机号码：138-1234-5678\n所在地区：山西省 吕梁市 临县\n详细地址：城庄镇王家庄村12号",
            ("李四", "+8613812345678", "山西省", "吕梁市", "临县", "城庄镇王家庄村12号", ""),
        ),
        (
            "山西吕梁临县城庄镇王家庄村12号，王五，+86 13812345678",
            ("王五", "+8613812345678", "山西省", "吕梁市", "临县", "城庄镇王家庄村12号", ""),
        ),
        (
            "北京市北京市朝阳区建国路88号 赵六 １３９００００１１１１",
            ("赵六", "+8613900001111", "北京市", "北京市", "朝阳区", "建国路88号", ""),
        ),
        (
            "王小二,15512345678,沁源县沁河镇东街3号",
            ("王小二", "+8615512345678", "山西省", "长治市", "沁源县", "沁河镇东街3号", ""),
        ),
        (
            "广东省东莞市长安镇振安路1号 孙八 13612345678 邮编：523000",
            ("孙八", "+8613612345678", "广东省", "东莞市", "", "长安镇振安路1号", "523000"),
        ),
        ("周九 13712345678", ("周九", "+8613712345678", "", "", "", "", "")),
        (
            "李雷 13812345678 吉林延边延吉市人民路1号",
            ("李雷", "+8613812345678", "吉林省", "延边朝鲜族自治州", "延吉市", "人民路1号", ""),
        ),
        (
            "韩梅 13812345678 湖北省恩施州利川市都亭街3号",
            ("韩梅", "+8613812345678", "湖北省", "恩施土家族苗族自治州", "利川市", "都亭街3号", ""),
        ),
        (
            "韩梅 13812345678 湖北省宜昌市长阳县龙舟坪镇1号",
            ("韩梅", "+8613812345678", "湖北省", "宜昌市", "长阳土家族自治县", "龙舟坪镇1号", ""),
        ),
    ],
)
def test_a_pasted_address_is_read_into_its_parts(text, found):
    result = regions.address_paste_parse(text)
    assert (
        result.recipient,
        result.mobile,
        result.province,
        result.city,
        result.district,
        result.street,
        result.postcode,
    ) == found


@pytest.mark.parametrize(
    "text",
    ["你好，在吗？", "+852 9123 4567 尖沙咀", "1381234567", "<script>alert(1)</script>", "138١٢٣٤٥٦٧٨"],
)
def test_text_with_neither_a_region_nor_a_mainland_mobile_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        regions.address_paste_parse(text)
    assert refused.value.code == "paste_unrecognised"


def test_a_paste_longer_than_an_address_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as refused:
        regions.address_paste_parse("山西省" * 200)
    assert refused.value.code == "paste_too_long"


def test_markup_is_never_taken_for_a_name():
    result = regions.address_paste_parse("<b>王</b> 13812345678 山西省太原市小店区学府街1号")
    assert (result.recipient, result.district, result.street) == ("", "小店区", "学府街1号")


@pytest.mark.parametrize("written", ["{province}{city}{district}", "{short} {city} {district}"])
def test_every_district_of_the_data_is_read_back_from_a_paste(written):
    # given an address in every district (a municipality written once, as people write 北京市朝阳区)
    misread = []
    for province, city_map in regions.region_tree().items():
        short = province.removesuffix("省") if province.endswith("省") else province
        for city, names in city_map.items():
            for district in names or ("",):
                region = written.format(
                    province=province, short=short, city="" if city == province else city, district=district
                )
                # when
                found = regions.address_paste_parse(f"王芳 13812345678 {region}幸福路1号")
                # then
                if (found.province, found.city, found.district, found.street) != (
                    province,
                    city,
                    district,
                    "幸福路1号",
                ):
                    misread.append((region, found))
    assert misread == []
