"""A sender's key and certificate made on the spot, and CAP messages signed with them (XML-DSig, enveloped)."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner


class Sender:
    def __init__(self, name: str = "pctt.quangninh.gov.vn"):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(self.key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=365)).sign(self.key, hashes.SHA256()))
        self.certificate = cert.public_bytes(serialization.Encoding.PEM).decode()

    def sign(self, document: bytes) -> bytes:
        key = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        signed = XMLSigner().sign(etree.fromstring(document), key=key, cert=self.certificate)
        return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")
