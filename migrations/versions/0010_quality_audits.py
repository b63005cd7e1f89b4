"""Issue 13: plan quality audits

Revision ID: 0010_quality_audits
Revises: 0012_audit_chain
Create Date: 2026-12-04 18:34:20.849767

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_quality_audits'
down_revision = '0012_audit_chain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quality_framework',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_quality_framework_published_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_framework')),
    sa.UniqueConstraint('version', name=op.f('uq_quality_framework_version'))
    )
    op.create_table('audit_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('percentage', sa.Integer(), nullable=False),
    sa.Column('moderation_percentage', sa.Integer(), nullable=False),
    sa.Column('key_stage', sa.String(length=20), nullable=True),
    sa.Column('primary_need', sa.String(length=30), nullable=True),
    sa.Column('setting_type', sa.String(length=30), nullable=True),
    sa.Column('case_officer_id', sa.Integer(), nullable=True),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_officer_id'], ['user.id'], name=op.f('fk_audit_round_case_officer_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_audit_round_created_by_id_user')),
    sa.ForeignKeyConstraint(['framework_id'], ['quality_framework.id'], name=op.f('fk_audit_round_framework_id_quality_framework')),
    sa.ForeignKeyConstraint(['team_id'], ['organisation.id'], name=op.f('fk_audit_round_team_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_round')),
    sa.UniqueConstraint('public_id', name=op.f('uq_audit_round_public_id'))
    )
    op.create_table('audit_round_auditor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('discipline', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_audit_round_auditor_round_id_audit_round')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_round_auditor_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_round_auditor')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_audit_round_auditor_round_id'))
    )
    with op.batch_alter_table('audit_round_auditor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_round_auditor_user_id'), ['user_id'], unique=False)

    op.create_table('audit_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('case_officer_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('key_stage', sa.String(length=20), nullable=False),
    sa.Column('primary_need', sa.String(length=30), nullable=True),
    sa.Column('setting_type', sa.String(length=30), nullable=True),
    sa.Column('conflicted_user_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_audit_sample_case_id_case')),
    sa.ForeignKeyConstraint(['case_officer_id'], ['user.id'], name=op.f('fk_audit_sample_case_officer_id_user')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'], name=op.f('fk_audit_sample_plan_version_id_plan_version')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_audit_sample_round_id_audit_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_sample')),
    sa.UniqueConstraint('round_id', 'plan_version_id', name=op.f('uq_audit_sample_round_id'))
    )
    with op.batch_alter_table('audit_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_sample_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_sample_round_id'), ['round_id'], unique=False)

    op.create_table('audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('auditor_id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('reaudit_of_id', sa.Integer(), nullable=True),
    sa.Column('plan_version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('strengths', sa.Text(), nullable=False),
    sa.Column('improvements', sa.Text(), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['auditor_id'], ['user.id'], name=op.f('fk_audit_auditor_id_user')),
    sa.ForeignKeyConstraint(['framework_id'], ['quality_framework.id'], name=op.f('fk_audit_framework_id_quality_framework')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['plan_version.id'], name=op.f('fk_audit_plan_version_id_plan_version')),
    sa.ForeignKeyConstraint(['reaudit_of_id'], ['audit.id'], name=op.f('fk_audit_reaudit_of_id_audit')),
    sa.ForeignKeyConstraint(['round_id'], ['audit_round.id'], name=op.f('fk_audit_round_id_audit_round')),
    sa.ForeignKeyConstraint(['sample_id'], ['audit_sample.id'], name=op.f('fk_audit_sample_id_audit_sample')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit')),
    sa.UniqueConstraint('public_id', name=op.f('uq_audit_public_id'))
    )
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_auditor_status', ['auditor_id', 'status'], unique=False)
        batch_op.create_index('ix_audit_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_sample_id'), ['sample_id'], unique=False)

    op.create_table('audit_moderation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('agreed_grade', sa.String(length=30), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['user.id'], name=op.f('fk_audit_moderation_moderator_id_user')),
    sa.ForeignKeyConstraint(['sample_id'], ['audit_sample.id'], name=op.f('fk_audit_moderation_sample_id_audit_sample')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_moderation')),
    sa.UniqueConstraint('sample_id', name=op.f('uq_audit_moderation_sample_id'))
    )
    op.create_table('audit_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=4), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit.id'], name=op.f('fk_audit_answer_audit_id_audit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_answer')),
    sa.UniqueConstraint('audit_id', 'code', name=op.f('uq_audit_answer_audit_id'))
    )
    op.create_table('audit_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=4), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audit.id'], name=op.f('fk_audit_section_audit_id_audit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_section')),
    sa.UniqueConstraint('audit_id', 'section', name=op.f('uq_audit_section_audit_id'))
    )
    op.create_table('quality_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('when', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('reaudit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['audit_id'], ['audit.id'], name=op.f('fk_quality_action_audit_id_audit')),
    sa.ForeignKeyConstraint(['officer_id'], ['user.id'], name=op.f('fk_quality_action_officer_id_user')),
    sa.ForeignKeyConstraint(['reaudit_id'], ['audit.id'], name=op.f('fk_quality_action_reaudit_id_audit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_action')),
    sa.UniqueConstraint('public_id', name=op.f('uq_quality_action_public_id'))
    )
    with op.batch_alter_table('quality_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_action_audit_id'), ['audit_id'], unique=False)
        batch_op.create_index('ix_quality_action_officer_done', ['officer_id', 'done_at'], unique=False)



def downgrade():
    with op.batch_alter_table('quality_action', schema=None) as batch_op:
        batch_op.drop_index('ix_quality_action_officer_done')
        batch_op.drop_index(batch_op.f('ix_quality_action_audit_id'))

    op.drop_table('quality_action')
    op.drop_table('audit_section')
    op.drop_table('audit_answer')
    op.drop_table('audit_moderation')
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_sample_id'))
        batch_op.drop_index('ix_audit_round_status')
        batch_op.drop_index('ix_audit_auditor_status')

    op.drop_table('audit')
    with op.batch_alter_table('audit_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_sample_round_id'))
        batch_op.drop_index(batch_op.f('ix_audit_sample_case_id'))

    op.drop_table('audit_sample')
    with op.batch_alter_table('audit_round_auditor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_round_auditor_user_id'))

    op.drop_table('audit_round_auditor')
    op.drop_table('audit_round')
    op.drop_table('quality_framework')
