"""People's names in Vietnamese text: the common surnames a full name starts with, and the one name
that is an ideology rather than a person in Party news."""

from __future__ import annotations

# The most common Vietnamese family names (together over 90% of the population).
SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Lâm Trương Đoàn Mai Cao "
    "Lương Tô Tạ Châu Hà Thái Văn Lưu Kiều Quách Tăng Trịnh Triệu Mạc Đàm Khổng La Hứa".split()
)

# Named in nearly every Party article as an ideology ("tư tưởng Hồ Chí Minh"), not as a person present.
NOT_PEOPLE = ("Hồ Chí Minh",)
