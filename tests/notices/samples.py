"""Vietnamese notices written for these tests (not copied from real documents), about 300, 1,500 and 3,000 characters.

Each is a whole notice as a commune office would paste it: the two-column
header flattened to lines, the document type and summary, numbered items,
the recipients and the signer.
"""
import unicodedata

HEADER = """ỦY BAN NHÂN DÂN
XÃ ĐỒNG TIẾN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}
Đồng Tiến, ngày 02 tháng 12 năm 2026

THÔNG BÁO
{summary}

"""

SIGNER = """
Nơi nhận:
- Các thôn, tổ dân phố;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
(Đã ký)
Nguyễn Văn Bình"""

SHORT_BODY = """Ủy ban nhân dân xã thông báo: ngày 05/12/2026 mất điện từ 7 giờ đến 11 giờ để sửa đường dây."""

MEDIUM_BODY = """Thực hiện kế hoạch của Trung tâm Y tế khu vực về tiêm chủng mở rộng năm 2026, Ủy ban nhân dân xã Đồng Tiến thông báo đến toàn thể nhân dân trên địa bàn xã như sau:
1. Thời gian: từ 7 giờ 30 đến 11 giờ và từ 13 giờ 30 đến 16 giờ 30 các ngày 08, 09 và 10 tháng 12 năm 2026.
2. Địa điểm: Trạm Y tế xã Đồng Tiến và điểm tiêm tại nhà văn hóa các thôn Đông, Tây, Nam.
3. Đối tượng: trẻ em từ 2 tháng đến dưới 5 tuổi chưa tiêm đủ các mũi vắc-xin theo lịch; phụ nữ có thai cần tiêm phòng uốn ván.
4. Khi đi tiêm, cha mẹ mang theo sổ tiêm chủng hoặc giấy khai sinh của trẻ; cho trẻ ăn no, mặc áo thoáng để thuận tiện khi tiêm; ở lại điểm tiêm ít nhất 30 phút sau khi tiêm để cán bộ y tế theo dõi.
5. Trẻ đang sốt, đang mắc bệnh cấp tính hoặc có phản ứng nặng với lần tiêm trước cần báo cho cán bộ y tế để được khám sàng lọc kỹ.
Trưởng các thôn có trách nhiệm thông báo rộng rãi trên loa truyền thanh, đến từng hộ gia đình có trẻ trong độ tuổi. Mọi thắc mắc xin liên hệ Trạm Y tế xã, số điện thoại 0221 3868 123.
Các gia đình có trẻ chuyển đến địa bàn xã trong năm, hoặc có trẻ đã tiêm ở nơi khác, đăng ký với cộng tác viên y tế thôn trước ngày 06/12/2026 để được lập phiếu và hẹn giờ tiêm, tránh phải chờ lâu tại điểm tiêm.
Ủy ban nhân dân xã đề nghị nhân dân thực hiện nghiêm túc."""

LONG_EXTRA = """6. Phòng, chống dịch bệnh mùa đông xuân: các hộ gia đình chủ động vệ sinh nhà ở, chuồng trại chăn nuôi, thu gom rác thải đúng nơi quy định; diệt muỗi, diệt bọ gậy; không để nước đọng quanh nhà; ngủ màn kể cả ban ngày.
7. Khi phát hiện người có dấu hiệu sốt cao, phát ban, ho kéo dài hoặc gia cầm, gia súc ốm, chết không rõ nguyên nhân, phải báo ngay cho trưởng thôn hoặc Trạm Y tế xã; tuyệt đối không mua bán, giết mổ, vứt xác gia cầm, gia súc bị bệnh ra môi trường.
8. Về an toàn thực phẩm dịp cuối năm: không sử dụng thực phẩm không rõ nguồn gốc; các cơ sở kinh doanh ăn uống phải có giấy chứng nhận đủ điều kiện và niêm yết giá công khai. Đoàn kiểm tra liên ngành của xã sẽ kiểm tra đột xuất từ ngày 15/12/2026.
9. Về phòng cháy, chữa cháy: các hộ kinh doanh, nhà trọ kiểm tra hệ thống điện, trang bị bình chữa cháy; không đốt vàng mã, rơm rạ gần nhà ở, đường dây điện; khi xảy ra cháy gọi ngay số 114 và báo cho Công an xã.
10. Về an toàn giao thông: người điều khiển xe mô tô, xe gắn máy đội mũ bảo hiểm đạt chuẩn; không điều khiển phương tiện sau khi uống rượu, bia; phụ huynh không giao xe cho con em chưa đủ tuổi.
11. Về bảo vệ rừng và môi trường trong mùa khô: người dân vào rừng không mang theo lửa, không đốt nương rẫy khi chưa được phép; chất thải chăn nuôi phải được xử lý, không xả thẳng ra kênh mương, ao hồ phục vụ sinh hoạt; các hộ đăng ký thu gom rác với tổ dân phố.
Công an xã, Trạm Y tế xã và các ban, ngành, đoàn thể theo chức năng, nhiệm vụ phối hợp tuyên truyền, kiểm tra việc thực hiện thông báo này; tổng hợp kết quả báo cáo Ủy ban nhân dân xã trước ngày 31/12/2026."""


def notice(body: str, number: str = "125/TB-UBND", summary: str = "Về việc tổ chức tiêm chủng mở rộng năm 2026") -> str:
    return HEADER.format(number=number, summary=summary) + body + "\n" + SIGNER


SHORT = notice(SHORT_BODY, "131/TB-UBND", "Về việc tạm ngừng cấp điện")
MEDIUM = notice(MEDIUM_BODY)
LONG = notice(MEDIUM_BODY + "\n" + LONG_EXTRA, "126/TB-UBND", "Về việc tiêm chủng và phòng, chống dịch bệnh mùa đông xuân")
ALL = {"300": SHORT, "1500": MEDIUM, "3000": LONG}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)
