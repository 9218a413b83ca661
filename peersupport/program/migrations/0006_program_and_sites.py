"""Programs: a hospital's (or a group of sites') program, the sites it holds, and its settings row."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('program', '0005_administrators_see_cases'),
    ]

    operations = [
        migrations.CreateModel(
            name='Program',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('short_name', models.SlugField(max_length=40, unique=True)),
                ('is_default', models.BooleanField(default=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='one_default_program')],
            },
        ),
        migrations.AddField(
            model_name='programsettings',
            name='program',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='settings', to='program.program'),
        ),
        migrations.CreateModel(
            name='ProgramSite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('site', models.CharField(max_length=100, unique=True)),
                ('program', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sites', to='program.program')),
            ],
            options={
                'ordering': ['site'],
            },
        ),
    ]
