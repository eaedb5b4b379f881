def test_it_builds_the_eight_personas(personas):
    assert set(personas.all()) == {
        "hr", "leder", "janni", "laege", "sagsbehandler", "jobcenterchef", "anden-hr",
        "anden-sagsbehandler",
    }
