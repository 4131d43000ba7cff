def test_defs():
    assert True
