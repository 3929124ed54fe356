import pytest

from citykg.loaders.read import LoadError, read_document

TEXT = "横浜市の姉妹都市\n- オデーサ市(ウクライナ)-1965(昭和40)年7月締結\n"


@pytest.mark.parametrize("encoding", ["utf_8", "cp932", "euc_jp", "utf_16"])
def test_japanese_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(TEXT.encode(encoding))
    doc = read_document(path)
    assert doc.text == TEXT
    assert doc.lines[1].startswith("- オデーサ市")


def test_crlf_and_bom_are_normalised(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeff".encode() + TEXT.replace("\n", "\r\n").encode())
    assert read_document(path).text == TEXT


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"  \n\n", "empty"), (bytes(range(256)) * 20, "binary"),
    (b"\x81\x82\xff\xfe\xa0" * 40, "not text"),
])
def test_bad_input_names_the_file(tmp_path, data, message):
    path = tmp_path / "bad-input.txt"
    path.write_bytes(data)
    with pytest.raises(LoadError) as err:
        read_document(path)
    assert "bad-input.txt" in str(err.value) and message in str(err.value)


def test_missing_file_is_a_load_error(tmp_path):
    with pytest.raises(LoadError, match="nowhere.txt"):
        read_document(tmp_path / "nowhere.txt")
