"""XML signatures on CAP messages (XML-DSig, enveloped), checked against the sender's certificate.

A source configured with `signing_certificate` (PEM) accepts only messages signed with that
certificate's key: a forged warning, or a real one altered on the way, is refused. What is
parsed afterwards is the signed content as the verifier saw it, never the document around it,
so a signature moved onto other content ("wrapping") proves nothing.
"""
from cryptography import x509
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, SignXMLException

from manager.cap import CapError, parse_xml
from manager.errors import BadInput


def check_certificate(pem: str) -> str:
    """The PEM (with plain newlines: a browser's text box sends CRLF), once it reads as an
    X.509 certificate; BadInput in Vietnamese otherwise."""
    pem = pem.replace("\r\n", "\n").strip()
    try:
        x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise BadInput("Chứng thư số của bên gửi không đọc được (cần dạng PEM, bắt đầu bằng -----BEGIN CERTIFICATE-----)",
                       f"the sender's certificate does not read as PEM: {exc}") from exc
    return pem


def verified(data: bytes, certificate_pem: str) -> bytes:
    """The signed message, or CapError('signature') when it is unsigned or does not verify."""
    parse_xml(data)  # defusedxml first: a DTD or entity bomb is refused before lxml sees it
    try:
        result = XMLVerifier().verify(data, x509_cert=certificate_pem)
    except InvalidInput as exc:
        raise CapError("signature", "Bản tin CAP không có chữ ký số, mà nguồn này chỉ nhận bản tin đã ký",
                       f"the CAP message is not signed, and this source accepts signed messages only: {exc}") from exc
    except SignXMLException as exc:
        raise CapError("signature", "Chữ ký số của bản tin CAP không hợp lệ: không khớp chứng thư của bên gửi, "
                       "hoặc nội dung đã bị sửa sau khi ký", f"the CAP message's signature does not verify: {exc}") from exc
    return etree.tostring(result.signed_xml, encoding="UTF-8", xml_declaration=True)
