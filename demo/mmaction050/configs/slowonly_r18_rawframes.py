# SlowOnly (ResNet3dSlowOnly depth 18, no pretrained weights) for MMAction2 0.5.0: 4-frame clip.
_base_ = ['./_tiny_3d.py']
model = dict(
    _delete_=True,
    type='Recognizer3D',
    backbone=dict(type='ResNet3dSlowOnly', depth=18, pretrained=None, lateral=False,
                  conv1_kernel=(1, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
                  inflate=(0, 0, 1, 1), norm_eval=False),
    cls_head=dict(type='I3DHead', in_channels=512, num_classes=2, spatial_type='avg',
                  dropout_ratio=0.5))
