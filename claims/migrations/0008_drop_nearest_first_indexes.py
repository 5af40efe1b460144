from django.db import migrations

# Proposals no longer walk statements and quotes nearest first (a KNN scan of these GiST
# indexes took seconds at 100,000 claims): they take candidates by the passage's rarest words
# from the full-text index, then measure trigram similarity on those alone. The GiST indexes
# only slowed every write.
DROP = "DROP INDEX IF EXISTS claim_statement_trgm_idx, appearance_search_text_trgm_idx;"
CREATE = """
CREATE INDEX claim_statement_trgm_idx ON claims_claim USING gist (statement gist_trgm_ops);
CREATE INDEX appearance_search_text_trgm_idx
    ON claims_appearance USING gist (search_text gist_trgm_ops);
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_search_and_merge")]

    operations = [migrations.RunPython(_on_postgresql(DROP), _on_postgresql(CREATE))]
