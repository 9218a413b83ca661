"""A login's own language, for a login without a roster entry (peersupport.lib.i18n.language_of):
blank, the program's default. The database's default is blank too, so a row written without the
column (an older migration's model) is accepted."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_api_token_scopes_and_intake_secret'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('es', 'Español')], db_default='', default='',
                                   max_length=10),
        ),
    ]
